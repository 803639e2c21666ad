import { UsageError } from '../errors.js';

/**
 * Parses the OpenTelemetry `k=v,k2=v2` list used by OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES. Values are percent-decoded (the W3C baggage rule the spec points to);
 * keys are trimmed. Line breaks separate items too, as commas do: a workflow's `headers: |` block
 * gives one item per line. `source` names the flag or variable in the error so the user knows
 * what to fix.
 */
export function parseKeyValueList(text: string, source: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text.trim() === '') return out;
  const items = text.split(/[,\r\n]/);
  for (const [index, rawItem] of items.entries()) {
    const item = rawItem.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    // The item is not echoed: a header pasted without its key may be a bare secret.
    if (eq < 0) {
      throw new UsageError(`${source}: item ${index + 1} has no "=" (expected k=v,k2=v2)`);
    }
    if (eq === 0) {
      throw new UsageError(`${source}: item ${index + 1} has an empty key (expected k=v,k2=v2)`);
    }
    const key = item.slice(0, eq).trim();
    const rawValue = item.slice(eq + 1).trim();
    let value: string;
    try {
      value = decodeURIComponent(rawValue);
    } catch {
      throw new UsageError(`${source}: the value of "${key}" is not valid percent-encoding`);
    }
    out.set(key, value);
  }
  return out;
}
