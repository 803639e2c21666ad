/**
 * One line of a JSON Lines file read as a JSON object: every line format we replay (OTLP/JSON,
 * gridctl's slog and metrics lines) is one object a line, and says the same of a line that is
 * blank, not JSON, or JSON of another shape. `what` names the format in the reason ("OTLP", "a
 * gridctl log line").
 */
export type JsonObjectLine =
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'blank' }
  | { kind: 'bad'; reason: string };

export function readJsonObject(bytes: Buffer, what: string): JsonObjectLine {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'bad', reason: `not JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'bad', reason: `not ${what}: not a JSON object` };
  return { kind: 'object', value: value as Record<string, unknown> };
}
