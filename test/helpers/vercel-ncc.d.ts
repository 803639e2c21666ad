// The bundler's API as the tests use it (it ships no types): code of one entry point, in memory.
declare module '@vercel/ncc' {
  export default function ncc(
    input: string,
    options: { quiet?: boolean; sourceMap?: boolean; license?: string },
  ): Promise<{ code: string; assets?: Record<string, { source: string | Buffer }> }>;
}
