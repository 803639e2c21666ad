import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ in the direction data flows, each with the folders it may import. Anything
 * else is refused, so no two folders import each other, directly or round a loop. The entry
 * points (cli, action) see the engine only through its facade, engine/index.ts. test/import-graph.test.ts
 * checks the same table against the import graph itself, with no circle inside a folder either.
 */
export const LAYERS = {
  config: [],
  source: ['config'],
  jsonl: ['config'],
  gridctl: ['config', 'jsonl', 'encode', 'output'],
  encode: ['config', 'source'],
  output: ['config', 'source', 'encode'],
  deliver: ['config'],
  progress: ['config', 'source', 'encode', 'jsonl'],
  engine: ['config', 'source', 'jsonl', 'gridctl', 'encode', 'output', 'deliver', 'progress'],
  report: ['engine-facade'],
  cli: ['config', 'engine-facade', 'report'],
  action: ['config', 'engine-facade', 'report'],
};
const FOLDERS = Object.keys(LAYERS);

function layerRules(folder, allowed) {
  const forbidden = FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
  const patterns = forbidden.map((f) => ({
    group:
      f === 'engine' && allowed.includes('engine-facade')
        ? [`../${f}/*`, `!../${f}/index.js`]
        : [`../${f}/*`],
    message: `src/${folder} may import only ${allowed.join(', ') || 'nothing of src/ but errors.ts'} (see LAYERS in eslint.config.js)`,
  }));
  // The engine never sees GitHub: the toolkit stays at the edge.
  if (folder !== 'action')
    patterns.push({ group: ['@actions/*'], message: 'only src/action may use the GitHub toolkit' });
  return {
    files: [`src/${folder}/**`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'demo-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(LAYERS).map(([folder, allowed]) => layerRules(folder, allowed)),
  // What the main step hands the post step is typed and checked in one place.
  {
    files: ['src/**'],
    ignores: ['src/action/state.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['saveState', 'getState'].map((property) => ({
          object: 'core',
          property,
          message: 'the action state is read and written only in src/action/state.ts',
        })),
      ],
    },
  },
);
