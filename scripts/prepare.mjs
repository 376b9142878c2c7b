// `npm install` / `npm ci` in a checkout (the `prepare` script): compile src/ into
// dist/ so bin/scrutin.js starts the JavaScript at once instead of compiling the
// TypeScript on every run. Where the compiler or the sources are absent (the
// production install, `npm ci --omit=dev`; a Dockerfile stage that has only
// package.json) there is nothing to do. A failed build never fails the install:
// bin/scrutin.js sees dist/ is not up to date and runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  tsc = null;
}
if (tsc !== null && existsSync(join(root, 'src')) && existsSync(join(root, 'tsconfig.build.json'))) {
  const res = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    console.warn(
      'scrutin: the build into dist/ failed; `scrutin` runs the TypeScript sources (slower start) until `npm run build` succeeds.',
    );
  }
}
