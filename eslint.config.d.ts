/** The folders of src/ with the folders each may import; test/import-graph.test.ts reads it too. */
export declare const LAYERS: Readonly<Record<string, readonly string[]>>;
declare const config: unknown;
export default config;
