import type { Attributes } from '@opentelemetry/api';
import type { TokfEvent } from '../source/tokf-event.js';
import { MAX_TEXT_LENGTH } from '../source/tokf-event.js';

/** What a log record and a span say about one invocation: the row's fields under tokf's names. */
export function eventAttributes(e: TokfEvent): Attributes {
  const attrs: Attributes = { 'tokf.command': cut(e.command) };
  if (e.exitCode !== null) attrs['tokf.exit_code'] = e.exitCode;
  if (e.filterName !== null) attrs['tokf.filter.name'] = cut(e.filterName);
  attrs['tokf.tokens.input'] = e.inputTokens;
  attrs['tokf.tokens.output'] = e.outputTokens;
  // As the tokf.tokens.saved metric counts them: input minus output, floored at zero.
  attrs['tokf.tokens.saved'] = Math.max(0, e.inputTokens - e.outputTokens);
  attrs['tokf.filter.time_ms'] = e.filterTimeMs;
  if (e.project !== undefined) attrs['tokf.project'] = cut(e.project);
  if (e.pipeOverride !== undefined) attrs['tokf.pipe_override'] = e.pipeOverride;
  if (e.pipelineExitCode !== undefined && e.pipelineExitCode !== null)
    attrs['tokf.pipeline.exit_code'] = e.pipelineExitCode;
  attrs['tokf.event.id'] = e.id;
  return attrs;
}

/** The event's time as OTLP's [seconds, nanoseconds], plus `ms` milliseconds. */
export function eventTime(e: TokfEvent, ms = 0): [number, number] {
  const seconds = (e.epochSeconds ?? 0) + Math.floor(ms / 1000);
  return [seconds, (ms % 1000) * 1_000_000];
}

function cut(value: string): string {
  return value.length <= MAX_TEXT_LENGTH ? value : `${value.slice(0, MAX_TEXT_LENGTH - 1)}…`;
}
