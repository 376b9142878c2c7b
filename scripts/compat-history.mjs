#!/usr/bin/env node
// Reads every state of a community's election folders through Scrutin's loader, the
// way the server would have read them had it served that community all along:
//
//   node scripts/compat-history.mjs <git-dir> <election-dir> [--ref REF] [--list] [--json]
//
// <git-dir> is a clone (or a bare mirror) of a meta repository; <election-dir> is its
// ELECTION_DIR (`elections`, `steering/elections`...). The states are the commits on
// the first-parent history of REF (default HEAD: the default branch) that touched
// <election-dir>: what stood on the branch after each merge. Each state is written to
// a temporary folder (removed afterwards), read by loadSnapshot, and every election
// whose folder that commit touched counts as one checked state.
//
// Prints the figures (states, elections, errors, warnings by kind); --list also prints
// every distinct warning with its file and line; --json prints the figures as JSON.
// Exits 1 when any state has an error: the server must serve whatever Elekto served.
// Nothing is copied into the project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { register } = await import('tsx/esm/api');
register({ tsconfig: join(root, 'tsconfig.json') });
const { loadSnapshot } = await import(pathToFileURL(join(root, 'src', 'metarepo', 'load.ts')).href);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ref: { type: 'string', default: 'HEAD' },
    list: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 2) {
  console.error('usage: node scripts/compat-history.mjs <git-dir> <election-dir> [--ref REF] [--list] [--json]');
  process.exit(2);
}
const gitDir = resolve(positionals[0]);
const electionDir = positionals[1].replace(/^\.?\/+|\/+$/g, '');

// Resolve a work tree's .git, so both a checkout and a bare mirror work.
const probe = spawnSync('git', ['-C', gitDir, 'rev-parse', '--absolute-git-dir']);
const realGitDir = probe.status === 0 ? probe.stdout.toString().trim() : gitDir;

function gitIn(args, input) {
  const r = spawnSync('git', ['--git-dir', realGitDir, ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** First-parent commits touching the folder, oldest first, with the paths each touched. */
function states() {
  const out = gitIn(['log', '--first-parent', '--reverse', '--format=%x01%H %cI', '--name-only', values.ref, '--', electionDir]).toString();
  return out
    .split('\x01')
    .filter((s) => s.trim() !== '')
    .map((chunk) => {
      const [head, ...paths] = chunk.split('\n');
      const [commit, date] = head.split(' ');
      return { commit, date, paths: paths.filter((p) => p !== '') };
    });
}

/** Reads the blobs named by `shas` in one `git cat-file --batch`; missing ones are null. */
function readBlobs(shas) {
  if (shas.length === 0) return new Map();
  const out = gitIn(['cat-file', '--batch'], `${shas.join('\n')}\n`);
  const blobs = new Map();
  let at = 0;
  for (const sha of shas) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString();
    at = nl + 1;
    if (header.endsWith(' missing')) {
      blobs.set(sha, null);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    blobs.set(sha, out.subarray(at, at + size));
    at += size + 1;
  }
  return blobs;
}

/** Writes the folder as it stood at `commit` into `dest`; returns the paths whose content is absent from the clone. */
function materialize(commit, dest) {
  const listing = gitIn(['ls-tree', '-r', '-z', '--full-tree', commit, '--', electionDir]).toString();
  const entries = listing
    .split('\0')
    .filter((l) => l !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ');
      return { mode, type, sha, path: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob');
  const blobs = readBlobs([...new Set(entries.map((e) => e.sha))]);
  const missing = [];
  for (const e of entries) {
    const target = join(dest, e.path);
    mkdirSync(dirname(target), { recursive: true });
    const content = blobs.get(e.sha);
    if (content === null || content === undefined) {
      missing.push(e.path);
      continue;
    }
    if (e.mode === '120000') symlinkSync(content.toString(), target);
    else writeFileSync(target, content);
  }
  return missing;
}

/** A warning's kind: its code when it has one, else its message with the specifics taken out. */
function kindOf(problem) {
  if (problem.code !== undefined) return problem.code;
  return problem.message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\([^)]*\d[^)]*\)/g, '(…)')
    .replace(/\d+/g, 'N');
}

const all = states();
const elections = new Set();
const errors = new Map();
const warnings = new Map();
const warningKinds = new Map();
let electionStates = 0;
let missingFiles = 0;
let folderGone = 0;
for (const state of all) {
  const dest = mkdtempSync(join(tmpdir(), 'scrutin-compat-'));
  try {
    missingFiles += materialize(state.commit, dest).length;
    if (!existsSync(join(dest, electionDir))) {
      // The commit removed the folder (the elections moved elsewhere): no election stood here.
      folderGone++;
      continue;
    }
    const snapshot = await loadSnapshot({ root: dest, electionDir, revision: state.commit });
    const record = (p, key) => {
      const target = p.severity === 'error' ? errors : warnings;
      const id = `${p.file}\0${p.line ?? ''}\0${p.message}`;
      const seen = target.get(id);
      if (seen === undefined) target.set(id, { ...p, key, first: state.commit, date: state.date, states: 1 });
      else seen.states++;
    };
    for (const p of snapshot.problems) record(p, null);
    for (const entry of snapshot.entries.values()) {
      const touched = state.paths.some((p) => p.startsWith(`${entry.dir}/`));
      if (!touched) continue;
      elections.add(entry.key);
      electionStates++;
      for (const p of entry.problems) {
        record(p, entry.key);
        if (p.severity === 'warning') {
          const kind = kindOf(p);
          warningKinds.set(kind, (warningKinds.get(kind) ?? 0) + 1);
        }
      }
    }
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

const figures = {
  repository: gitDir,
  electionDir,
  ref: values.ref,
  commits: all.length,
  electionStates,
  elections: elections.size,
  errors: errors.size,
  distinctWarnings: warnings.size,
  warningsByKind: Object.fromEntries([...warningKinds].sort((a, b) => b[1] - a[1])),
  missingFiles,
  folderGone,
};
if (values.json) {
  console.log(JSON.stringify({ ...figures, errorList: [...errors.values()] }, null, 2));
} else {
  console.log(`${gitDir} (${electionDir}, first-parent history of ${values.ref})`);
  console.log(`  commits touching ${electionDir}: ${figures.commits}`);
  console.log(`  election states checked: ${electionStates} (${elections.size} elections)`);
  if (missingFiles > 0) console.log(`  files absent from this clone (skipped): ${missingFiles}`);
  if (folderGone > 0) console.log(`  commits that removed ${electionDir} (nothing to read): ${folderGone}`);
  console.log(`  errors: ${errors.size}`);
  for (const e of errors.values())
    console.log(
      `    ${e.file}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}  [${e.first.slice(0, 10)} ${e.date}, ${e.states} state(s)]`,
    );
  console.log(`  distinct warnings (file, line, message): ${warnings.size}; by kind, counted once per checked election state:`);
  for (const [kind, n] of Object.entries(figures.warningsByKind)) console.log(`    ${String(n).padStart(5)}  ${kind}`);
  if (values.list) {
    console.log('  distinct warnings:');
    for (const w of warnings.values())
      console.log(`    ${w.file}${w.line === undefined ? '' : `:${w.line}`}: ${w.message}  [${w.first.slice(0, 10)}]`);
  }
}
process.exit(errors.size === 0 ? 0 : 1);
