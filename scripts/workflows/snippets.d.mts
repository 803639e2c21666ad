export const REPO_ROOT: string;
export type SnippetKind = 'workflow' | 'steps' | 'step' | 'other';
export interface Snippet {
  /** Line number (1-based) of the snippet's first line in the Markdown file. */
  firstLine: number;
  text: string;
  kind: SnippetKind;
  /** The snippet as a whole workflow (wrapped when it is steps), or null for other YAML. */
  workflow: string | null;
  /** The Markdown line of the workflow's line n (1-based). */
  line(n: number): number;
  /** The Markdown column of the workflow's column c on a snippet line. */
  column(c: number): number;
}
export function snippetKind(text: string): SnippetKind;
export function markdownYamlSnippets(markdown: string): Snippet[];
export function repositoryWorkflows(root?: string): string[];
export function exampleWorkflows(root?: string): string[];
