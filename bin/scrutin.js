#!/usr/bin/env node
// The `scrutin` executable. It runs the compiled JavaScript in dist/ whenever that is
// up to date, and the TypeScript sources through tsx otherwise:
// - a production image or release has only dist/ (no src/): dist/ it is;
// - a checkout has both: `npm install` builds dist/ (the `prepare` script), and dist/
//   is used while every src/ file has a compiled twin at least as new as itself. A
//   source edited (or a branch switched) since the last build makes dist/ stale, and
//   the sources run through tsx until `npm run build`: never a stale build, and no
//   compile on every start (~2 s) once built. Checking costs two stats per source file.
// SCRUTIN_FROM=src forces the sources, SCRUTIN_FROM=dist the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli.ts');
const compiled = join(root, 'dist', 'cli.js');

/** Every src/ file has a dist/ twin (`.ts`/`.tsx` → `.js`) modified no earlier than itself. */
function distIsCurrent(srcDir, distDir) {
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const from = join(srcDir, entry.name);
    if (entry.isDirectory()) {
      if (!distIsCurrent(from, join(distDir, entry.name))) return false;
      continue;
    }
    if (!/\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const to = join(distDir, entry.name.replace(/\.tsx?$/, '.js'));
    let built;
    try {
      built = statSync(to).mtimeMs;
    } catch {
      return false;
    }
    if (statSync(from).mtimeMs > built) return false;
  }
  return true;
}

function chooseEntry() {
  const from = process.env.SCRUTIN_FROM;
  if (from === 'dist' || !existsSync(source)) return compiled;
  if (from !== 'src' && existsSync(compiled) && distIsCurrent(join(root, 'src'), join(root, 'dist'))) return compiled;
  return null;
}

let entry = chooseEntry();
if (entry === null) {
  try {
    const { register } = await import('tsx/esm/api');
    // Point tsx at our tsconfig whatever the working directory: without it, tsx
    // would compile the JSX views for React and every page would fail.
    register({ tsconfig: join(root, 'tsconfig.json') });
    entry = source;
  } catch {
    entry = compiled;
  }
}
if (!existsSync(entry)) {
  console.error('scrutin: neither src/cli.ts (with tsx) nor dist/cli.js is available; run `npm install` or `npm run build`.');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
