import { fileURLToPath } from 'node:url';
import { LAYERS } from '../eslint.config.js';
import { cyclesWithinFolders, layerViolations, readImportGraph } from './helpers/import-graph.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/import-graph/src', import.meta.url));

describe('the import graph of src', () => {
  const graph = readImportGraph(SRC);

  it('has no circle of imports inside any folder', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(cyclesWithinFolders(graph)).toEqual([]);
  });

  it('has no import between folders that the LAYERS of eslint.config.js do not allow', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([]);
  });

  it('keeps the config vocabulary a leaf: config/vocabulary.ts imports nothing', () => {
    expect(graph.get('config/vocabulary.ts')).toEqual([]);
  });

  it('has LAYERS in one direction: no folder reaches itself through the folders it may import', () => {
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const next of LAYERS[from] ?? []) {
        const folder = next === 'engine-facade' ? 'engine' : next;
        if (!seen.has(folder)) reaches(folder, seen.add(folder));
      }
      return seen;
    };
    for (const folder of Object.keys(LAYERS))
      expect([folder, reaches(folder).has(folder)]).toEqual([folder, false]);
  });
});

describe('the import graph check, on a fixture built to fail it', () => {
  const graph = readImportGraph(FIXTURE);

  it('reads imports, type imports, re-exports and dynamic imports as edges', () => {
    expect(graph.get('config/one.ts')).toEqual(['config/two.ts']);
    expect(graph.get('config/two.ts')).toEqual(['config/leaf.ts', 'config/three.ts']);
    expect(graph.get('config/three.ts')).toEqual(['config/one.ts']);
  });

  it('finds the circle of three files in config, and not the files merely beside it', () => {
    expect(cyclesWithinFolders(graph)).toEqual([
      ['config/one.ts', 'config/three.ts', 'config/two.ts'],
    ]);
  });

  it('does not count a path that leaves the folder and comes back as a circle inside it', () => {
    // config/reads-engine.ts -> engine/run.ts -> config/leaf.ts crosses folders: a layering matter.
    expect(cyclesWithinFolders(graph).flat()).not.toContain('config/reads-engine.ts');
  });

  it('names each import that runs against the layers, and the one that goes past the facade', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([
      'cli/main.ts -> engine/run.ts',
      'config/reads-engine.ts -> engine/run.ts',
    ]);
  });
});
