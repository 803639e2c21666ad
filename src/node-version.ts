/**
 * The Node.js the tool needs: 24, for its built-in node:sqlite. An older Node fails on loading that
 * module with ERR_UNKNOWN_BUILTIN_MODULE before any code of ours runs, so each entry point checks
 * first (the command in its bundle's first lines, see scripts/bundle.mjs; the action in
 * src/index.ts) and says what is wrong instead.
 */
export const MIN_NODE_MAJOR = 24;

/** Why this Node cannot run the tool, in the command's words; undefined when it can. */
export function nodeTooOld(version: string): string | undefined {
  if (Number(version.split('.')[0]) >= MIN_NODE_MAJOR) return undefined;
  return `Node.js ${MIN_NODE_MAJOR} or newer is needed (for its built-in node:sqlite); this is Node ${version}`;
}
