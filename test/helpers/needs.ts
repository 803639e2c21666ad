/**
 * Tests that need something a machine may lack (/dev/full, /proc, tinyproxy, an old Node): where it
 * is missing they are skipped, and said so on stderr with what is missing, never passed unseen.
 * The e2e suite has no such escape: its peers are built by its global setup or it fails.
 */

/** `it` where `present`; elsewhere `it.skip`, after saying `missing` loudly once. */
export function itWhere(present: boolean, missing: string): typeof it {
  if (present) return it;
  console.warn(`SKIPPED: ${missing}`);
  return it.skip;
}
