#!/usr/bin/env node
// The `scrutin` executable. In a checkout (src/ present, tsx installed) it runs the
// TypeScript sources directly, so `npx scrutin` never runs a stale build; in a
// production image, where only dist/ is shipped, it runs the compiled JavaScript.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli.ts');
const compiled = join(root, 'dist', 'cli.js');

let entry = compiled;
if (existsSync(source)) {
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
