import type { Signal } from '../config/vocabulary.js';
import { recordsOf, resourcesOf, scopesOf, SHAPES, type Json } from './otlp-line.js';

/** The Collector's limit on one line of OTLP JSON (its otlpjsonfile receiver's buffer): 1 MiB. */
export const LINE_LIMIT_BYTES = 1024 * 1024;

/**
 * A line's data cut into pieces of at most `limit` bytes of JSON each, in order, where it can be:
 * by resource first, then by scope within a resource, then by records within a scope (each piece
 * keeps its resource and scope). A single record larger than the limit is a piece of its own,
 * over the limit: it cannot be cut without changing it. The pieces hold every record once.
 */
export function splitBySize(signal: Signal, data: Json, limit = LINE_LIMIT_BYTES): string[] {
  const text = JSON.stringify(data);
  if (Buffer.byteLength(text) <= limit) return [text];
  const shape = SHAPES[signal];
  const resources = resourcesOf(signal, data);
  const withResources = (rs: Json[]): Json => ({ ...data, [shape.resources]: rs });
  if (resources.length > 1)
    return halves(resources).flatMap((rs) => splitBySize(signal, withResources(rs), limit));
  const resource = resources[0];
  if (resource === undefined) return [text];
  const scopes = scopesOf(signal, resource);
  const withScopes = (ss: Json[]): Json => withResources([{ ...resource, [shape.scopes]: ss }]);
  if (scopes.length > 1)
    return halves(scopes).flatMap((ss) => splitBySize(signal, withScopes(ss), limit));
  const scope = scopes[0];
  if (scope === undefined) return [text];
  const records = recordsOf(signal, scope);
  if (records.length <= 1) return [text];
  return halves(records).flatMap((rs) =>
    splitBySize(signal, withScopes([{ ...scope, [shape.records]: rs }]), limit),
  );
}

function halves<T>(items: T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}
