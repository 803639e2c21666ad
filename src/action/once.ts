/**
 * Each item once: the same text twice, or an engine's error that a problem already quotes (a sync
 * that did not deliver names its first error, see sync-phase.ts), is said once.
 */
export function once(items: readonly string[]): string[] {
  const kept: string[] = [];
  for (const item of items) {
    if (kept.some((k) => k === item || k.endsWith(`: ${item}`))) continue;
    kept.push(item);
  }
  return kept;
}
