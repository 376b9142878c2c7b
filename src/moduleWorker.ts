// Starts a worker thread on one of our modules (the meta repository reader, the
// officers' count), whether the process runs the compiled
// JavaScript (dist/, production) or the TypeScript sources through tsx (a checkout,
// the tests). A worker does not inherit tsx's loader when it was registered through
// its API (bin/scrutin.js does that), and Node 20 does not apply an inherited
// `--import tsx` to a worker's entry file, so a `.ts` module is reached through a
// small CommonJS bootstrap that registers tsx first and then imports it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `./name.js` next to `base` in dist/, `./name.ts` when `base` is a TypeScript source. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

export function startModuleWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  // The project's tsconfig, as bin/scrutin.js gives it (JSX settings), when there is one.
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const boot = {
    tsx: import.meta.resolve('tsx/esm/api'),
    options: existsSync(tsconfig) ? { tsconfig } : {},
    module: module.href,
  };
  const code = [
    `const boot = ${JSON.stringify(boot)};`,
    'import(boot.tsx)',
    '  .then(({ register }) => { register(boot.options); return import(boot.module); })',
    '  .catch((error) => { process.nextTick(() => { throw error; }); });',
  ].join('\n');
  return new Worker(code, { ...options, eval: true });
}
