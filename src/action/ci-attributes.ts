import { runUrl, type GithubRun } from './github-env.js';

/**
 * Resource attributes for the run, by the OpenTelemetry semantic conventions for CI/CD and VCS.
 * The run id and the run URL (which carries the attempt) make one series per run: the conventions
 * call that opt-in for metrics, which is why the `ci-attributes` input can turn them off.
 */
export function ciResourceAttributes(run: GithubRun): Record<string, string> {
  const attrs: Record<string, string> = {
    'cicd.pipeline.name': run.workflow,
    'cicd.pipeline.run.id': run.runId,
    'cicd.pipeline.run.url.full': runUrl(run),
    'cicd.pipeline.task.name': run.job,
    'vcs.provider.name': 'github',
    'vcs.repository.name': run.repo,
    'vcs.repository.url.full': `${run.serverUrl}/${run.repository}`,
    'vcs.ref.head.name': run.headRef || run.refName,
    'vcs.ref.head.revision': run.sha,
  };
  if (run.refType === 'branch' || run.refType === 'tag') attrs['vcs.ref.head.type'] = run.refType;
  if (run.baseRef) attrs['vcs.ref.base.name'] = run.baseRef;
  if (run.pullRequest !== undefined) attrs['vcs.change.id'] = String(run.pullRequest);
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== ''));
}
