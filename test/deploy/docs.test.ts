// The operators' guides stay true to the code: every file they name exists, every
// variable Scrutin reads is documented (and nothing documented is unknown), and
// every `scrutin <command>` they show is a real command.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../src/cli.js';
import { repoRoot } from '../helpers/cli.js';

const guides = ['docs/operations.md', 'docs/upgrading-from-elekto.md', 'docs/hosting.md'];
const text = Object.fromEntries(guides.map((g) => [g, readFileSync(join(repoRoot, g), 'utf8')]));
const envExample = readFileSync(join(repoRoot, '.env.example'), 'utf8');
const exampleVariables = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
/** Read by src/config.ts but not a setting one puts in .env itself. */
const extra = ['ENV_FILE'];

describe('operators\' documentation', () => {
  it('names only files that exist', () => {
    for (const [guide, body] of Object.entries(text)) {
      for (const m of body.matchAll(/`((?:deploy|docs|test)\/[\w./-]+|Dockerfile|\.env\.example)`/g)) {
        assert.ok(existsSync(join(repoRoot, m[1]!)), `${guide} names ${m[1]!}`);
      }
      for (const m of body.matchAll(/\]\(([\w.-]+\.md)(#[\w-]+)?\)/g)) {
        assert.ok(existsSync(join(repoRoot, 'docs', m[1]!)), `${guide} links to ${m[1]!}`);
      }
    }
  });

  it('documents every variable in the configuration reference, and only real ones', () => {
    const ops = text['docs/operations.md']!;
    const reference = ops.slice(ops.indexOf('## Configuration'), ops.indexOf('### Setting up GitHub'));
    const documented = new Set([...reference.matchAll(/^\| `([A-Z][A-Z0-9_]*)`(?:, `([A-Z][A-Z0-9_]*)`)?(?:, `([A-Z][A-Z0-9_]*)`)?/gm)].flatMap((m) => [m[1], m[2], m[3]]).filter((v): v is string => v !== undefined));
    for (const v of [...exampleVariables, ...extra]) assert.ok(documented.has(v), `${v} is in the configuration reference`);
    for (const v of documented) assert.ok(exampleVariables.includes(v) || extra.includes(v), `${v} is a variable Scrutin reads`);
    const config = readFileSync(join(repoRoot, 'src', 'config.ts'), 'utf8');
    for (const v of documented) assert.ok(config.includes(`'${v}'`) || config.includes(`.${v}`), `src/config.ts reads ${v}`);
  });

  it('shows only commands the CLI has', () => {
    const names = new Set(commands.map((c) => c.name));
    for (const [guide, body] of Object.entries(text)) {
      // Commands as typed: in backticks, at the start of a line, or after the wrapper's path.
      for (const m of body.matchAll(/(?:^|`|bin\/)scrutin ([a-z]+)\b/gm)) {
        assert.ok(names.has(m[1]!), `${guide} shows "scrutin ${m[1]!}"`);
      }
    }
  });
});
