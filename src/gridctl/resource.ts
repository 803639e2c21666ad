/** Where a file sits in gridctl's layout: `<stack>/<server>/`. */
export interface Place {
  stack: string;
  server: string;
}

/**
 * The attributes naming a file's stack and server. `server.name` is the key gridctl's own spans
 * carry for the server (pkg/telemetry/traces.go); the semantic conventions have no MCP server
 * name nor anything for a gridctl stack, so `gridctl.stack` is ours.
 */
export const STACK_KEY = 'gridctl.stack';
export const SERVER_KEY = 'server.name';

/** The resource of what a replay makes of a gridctl file: gridctl, its stack and server. */
export function gridctlResource(place: Place): Record<string, string> {
  return { 'service.name': 'gridctl', [STACK_KEY]: place.stack, [SERVER_KEY]: place.server };
}

/** The instrumentation scope of the records and metrics made from gridctl's files. */
export const GRIDCTL_SCOPE = { name: 'gridctl' };
