// Lets a script import the TypeScript sources as they are: Node 24 strips their types, but they
// import each other as `.js` (the names tsc and the bundler expect), so those imports are pointed
// at the `.ts` files that exist instead.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

export function resolveTsSources() {
  registerHooks({
    resolve(specifier, context, next) {
      if (/^\.{1,2}\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts')) {
        const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
        if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
      }
      return next(specifier, context);
    },
  });
}
