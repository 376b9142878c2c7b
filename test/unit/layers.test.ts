// The layering rules of eslint.config.js, proved on small snippets: the project's own
// configuration for a file in each layer refuses an import that points up (and lets one
// that points down through), so a change to the config that loosens a rule fails here
// instead of passing quietly. Only the layering rules run (no type information needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = new URL('../..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });
const LAYER_RULES = ['no-restricted-imports', 'no-restricted-globals', 'no-restricted-syntax'];

/** The layering rules the project's config gives `file` (which need not exist) find in `code`. */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, Linter.RuleEntry> };
  const rules = Object.fromEntries(LAYER_RULES.flatMap((name) => (config.rules?.[name] === undefined ? [] : [[name, config.rules[name]]])));
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser }, rules }], file);
  return messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const imports = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;

test('src/app must not import the HTTP server, the pages or the commands', async () => {
  for (const from of [
    '../http/context.js',
    '../../http/answers.js',
    '../views/page.js',
    '../commands/types.js',
    '../main.js',
    'fastify',
    'kysely',
  ]) {
    const problems = await layerProblems('src/app/ballots/probe.ts', imports(from));
    assert.equal(problems.length, 1, `${from}: ${problems.join('; ')}`);
    assert.match(problems[0]!, /^no-restricted-imports: .*src\/app/);
  }
  assert.deepEqual(await layerProblems('src/app/probe.ts', imports('../storage/store.js')), [], 'the store is below the use-cases');
  assert.deepEqual(await layerProblems('src/app/probe.ts', imports('../policies/election.js')), []);
});

test('src/views must not import the database, the HTTP server or anything doing I/O', async () => {
  for (const from of [
    '../storage/requests.js',
    '../../storage/audit.js',
    '../http/voting/listing.js',
    '../metarepo/catalogue.js',
    'node:fs',
    'kysely',
  ]) {
    const problems = await layerProblems('src/views/officer/Probe.tsx', imports(from));
    assert.equal(problems.length, 1, `${from}: ${problems.join('; ')}`);
    assert.match(problems[0]!, /^no-restricted-imports: .*src\/views/);
  }
  assert.deepEqual(
    await layerProblems('src/views/Probe.tsx', imports('../app/ballots/types.js')),
    [],
    'view models of the use-cases are fine',
  );
  assert.deepEqual(await layerProblems('src/views/Probe.tsx', imports('hono/jsx')), []);
});

test('src/core and src/policies stay pure: no outer layer, no I/O, no clock of their own', async () => {
  for (const file of ['src/core/tally/probe.ts', 'src/policies/probe.ts']) {
    for (const from of ['../../storage/store.js', '../app/ports.js', 'node:fs', 'fastify']) {
      assert.equal((await layerProblems(file, imports(from))).length, 1, `${file} importing ${from}`);
    }
    const clock = await layerProblems(file, 'export const now = () => new Date();\nexport const t = Date.now();\n');
    assert.equal(clock.filter((p) => p.startsWith('no-restricted-syntax')).length, 2, clock.join('; '));
    assert.equal((await layerProblems(file, 'export const env = process.env;\n')).length, 1);
  }
  assert.equal(
    (await layerProblems('src/policies/probe.ts', imports('../app/refusals.js'))).length,
    1,
    'policies do not know the use-cases',
  );
  assert.deepEqual(await layerProblems('src/policies/probe.ts', imports('../core/meta/types.js')), []);
});

test('storage and the other adapters do not import the use-cases or the HTTP server', async () => {
  for (const file of ['src/storage/probe.ts', 'src/metarepo/probe.ts']) {
    for (const from of ['../app/ports.js', '../http/errors.js', '../views/page.js']) {
      assert.equal((await layerProblems(file, imports(from))).length, 1, `${file} importing ${from}`);
    }
  }
});
