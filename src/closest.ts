/**
 * "Did you mean": the command-line flags and commands and the action's inputs suggest the name
 * nearest to a mistyped one.
 */

/** The candidate nearest to a mistyped word, if it is near enough to be what was meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One edit in short words, a third of the letters in long ones; a prefix is near too.
  const limit = Math.max(1, Math.floor(word.length / 3));
  if (best !== undefined && (bestDistance <= limit || (word.length >= 3 && best.startsWith(word))))
    return best;
  return undefined;
}

/** Damerau-Levenshtein (optimal string alignment): swapped neighbours count as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
