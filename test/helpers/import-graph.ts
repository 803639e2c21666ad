import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** Each .ts file under a root (as a path relative to it, with /) to the files of ours it imports. */
export type ImportGraph = Map<string, string[]>;

/**
 * The import graph of a source tree as TypeScript reads it: `import`, `import type`, `export ...
 * from` and `import()` all count, since a circle of type imports is a circle of meaning too.
 * Only relative specifiers are ours; `./x.js` names `./x.ts`, as the sources write it.
 */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of tsFiles(root)) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) =>
        posix.normalize(posix.join(posix.dirname(file), spec.replace(/\.js$/, '.ts'))),
      );
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function tsFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(root, path);
    return entry.name.endsWith('.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/**
 * The circles among files of one folder: each strongly connected set of two or more files (or a
 * file importing itself), its files sorted, the sets sorted by their first file.
 */
export function cyclesWithinFolders(graph: ImportGraph): string[][] {
  const inFolder = (from: string) =>
    (graph.get(from) ?? []).filter((to) => graph.has(to) && dirname(to) === dirname(from));
  // Tarjan's algorithm, over the edges that stay inside a folder.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of inFolder(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || inFolder(v).includes(v)) cycles.push(component.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

/**
 * Imports from one folder into another that the layers do not allow, as `from -> to`. `layers`
 * is eslint.config.js's LAYERS: each folder with the folders it may import, where
 * `engine-facade` allows engine/index.ts alone. Files at the root (errors.ts, words.ts) are
 * shared by every folder and not in the table.
 */
export function layerViolations(
  graph: ImportGraph,
  layers: Readonly<Record<string, readonly string[]>>,
): string[] {
  const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : undefined);
  const violations: string[] = [];
  for (const [from, targets] of graph) {
    const source = folderOf(from);
    if (source === undefined) continue;
    const allowed = layers[source] ?? [];
    for (const to of targets) {
      const target = folderOf(to);
      if (target === undefined || target === source || !(target in layers)) continue;
      const facade = target === 'engine' && to === 'engine/index.ts';
      if (allowed.includes(target) || (facade && allowed.includes('engine-facade'))) continue;
      violations.push(`${from} -> ${to}`);
    }
  }
  return violations.sort();
}
