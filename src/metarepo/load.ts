// Reads a checked-out meta repository from disk into an immutable MetaSnapshot. This
// is the only place that reads meta files; pages use the snapshot in memory.
//
// Safety: symbolic links are never followed (a link could lead outside ELECTION_DIR,
// to /etc or to the server's own secrets), hidden folders are skipped, and each file
// is size-limited. Nothing here throws for a bad repository: problems are values.
//
// Budgets: the files are whatever was last pushed, so they are parsed off the event
// loop, in a worker thread (loadWorker.ts), one election at a time under a time limit
// and a memory limit. An election that takes too long, or makes the worker fail, gets
// an error of its own and the worker starts again after it: the other elections load,
// the server keeps answering while it reads, and a hostile file cannot stop start-up.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../moduleWorker.js';
import type { ElectionEntry, MetaSnapshot, Problem } from '../core/meta/types.js';
import { electionKey, isElectionFile, parseElectionFolder, readElectionHead } from '../core/meta/election.js';
import type { ElectionFolder } from '../core/meta/election.js';
import { addEntry, freezeSnapshot } from '../core/meta/snapshot.js';

export interface LoadOptions {
  /** The meta repository root (META_PATH). */
  root: string;
  /** ELECTION_DIR, relative to the root (`elections`). */
  electionDir: string;
  /** Git revision of the checkout, recorded in the snapshot. */
  revision?: string | null;
  /** Clock for `loadedAt`. */
  now?: () => Date;
  /** Largest file read, in bytes, whatever its kind (default: FILE_LIMITS); bigger files are an error. */
  maxFileBytes?: number;
  /** Parse in this thread instead of a worker (tools that serve nothing: validate, scripts). */
  inProcess?: boolean;
  /**
   * Who asked (a community's key): loads of one lane run one at a time, loads of
   * different lanes side by side in the parsing workers. Default: one lane for all.
   */
  lane?: string;
}

const KIB = 1024;
/**
 * Largest size read per kind of file. Real files are far smaller (the largest
 * voters.yaml seen, 1,500 logins, is 25 KiB); 2 MiB is ~100,000 logins.
 */
export const FILE_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  'voters.yaml': 2048 * KIB,
  'election.yaml': 256 * KIB,
  'election_desc.md': 1024 * KIB,
  'results.md': 1024 * KIB,
  candidate: 512 * KIB,
});

function limitFor(name: string, override: number | undefined): number {
  return override ?? FILE_LIMITS[name] ?? FILE_LIMITS.candidate ?? 512 * KIB;
}

/** Where an election folder is: its key and path segments below ELECTION_DIR. */
export interface FolderRef {
  key: string;
  /** Path relative to the repository root, `/`-separated. */
  dir: string;
  /** Names of the files the parser uses that are regular files. */
  files: string[];
  /** Problems found while walking (symbolic links among the election's files). */
  problems: Problem[];
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function reason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

function normalizeDir(electionDir: string): string {
  return electionDir
    .replace(/\\/g, '/')
    .replace(/^\.?\/+|\/+$/g, '')
    .replace(/^\.$/, '');
}

/**
 * Checks that ELECTION_DIR exists, is a folder and that no part of its path is a
 * symbolic link. Returns a problem when it cannot be used.
 */
async function checkElectionDir(root: string, electionDir: string): Promise<Problem | null> {
  const shown = electionDir === '' ? '.' : electionDir;
  try {
    const rootStat = await stat(root);
    if (!rootStat.isDirectory()) return { file: '.', message: `the meta repository path ${root} is not a folder`, severity: 'error' };
  } catch (error) {
    return {
      file: '.',
      message: isMissing(error)
        ? `the meta repository ${root} does not exist`
        : `cannot read the meta repository ${root}: ${reason(error)}`,
      severity: 'error',
    };
  }
  const segments = electionDir === '' ? [] : electionDir.split('/');
  if (segments.includes('..'))
    return { file: shown, message: `ELECTION_DIR "${electionDir}" must stay inside the repository`, severity: 'error' };
  let path = root;
  for (const segment of segments) {
    path = join(path, segment);
    try {
      const s = await lstat(path);
      if (s.isSymbolicLink())
        return {
          file: shown,
          message: `ELECTION_DIR "${electionDir}" goes through a symbolic link, which Scrutin does not follow`,
          severity: 'error',
        };
      if (!s.isDirectory()) return { file: shown, message: `ELECTION_DIR "${electionDir}" is not a folder`, severity: 'error' };
    } catch (error) {
      return {
        file: shown,
        message: isMissing(error)
          ? `ELECTION_DIR "${electionDir}" does not exist in the meta repository; check ELECTION_DIR (no elections are loaded)`
          : `cannot read ELECTION_DIR "${electionDir}": ${reason(error)}`,
        severity: 'error',
      };
    }
  }
  return null;
}

interface FolderScan {
  hasElection: boolean;
  files: string[];
  subfolders: string[];
  linkProblems: Problem[];
}

/** Lists one folder: the election files in it, its subfolders, and links (never followed). */
async function scanFolder(root: string, rel: string, problems: Problem[]): Promise<FolderScan | null> {
  let dirents;
  try {
    dirents = await readdir(join(root, rel), { withFileTypes: true });
  } catch (error) {
    problems.push({ file: rel === '' ? '.' : rel, message: `cannot read folder: ${reason(error)}`, severity: 'error' });
    return null;
  }
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scan: FolderScan = { hasElection: false, files: [], subfolders: [], linkProblems: [] };
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const path = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isSymbolicLink()) {
      if (isElectionFile(d.name)) {
        if (d.name === 'election.yaml') scan.hasElection = true;
        scan.linkProblems.push({
          file: path,
          message: 'is a symbolic link; Scrutin does not follow links in the meta repository (commit the file itself)',
          severity: 'error',
        });
      } else {
        problems.push({ file: path, message: 'is a symbolic link and was skipped', severity: 'warning' });
      }
    } else if (d.isDirectory()) {
      scan.subfolders.push(d.name);
    } else if (d.isFile() && isElectionFile(d.name)) {
      if (d.name === 'election.yaml') scan.hasElection = true;
      scan.files.push(d.name);
    }
  }
  return scan;
}

/**
 * Finds every election folder below ELECTION_DIR (any depth). Hidden folders and
 * symbolic links are skipped; problems found on the way are returned.
 */
export async function findElectionFolders(root: string, electionDirRaw: string): Promise<{ folders: FolderRef[]; problems: Problem[] }> {
  const electionDir = normalizeDir(electionDirRaw);
  const problems: Problem[] = [];
  const bad = await checkElectionDir(root, electionDir);
  if (bad !== null) return { folders: [], problems: [bad] };

  const folders: FolderRef[] = [];
  const walk = async (segments: string[]): Promise<void> => {
    const rel = [electionDir, ...segments].filter((s) => s !== '').join('/');
    const scan = await scanFolder(root, rel, problems);
    if (scan === null) return;
    if (scan.hasElection) {
      if (segments.length === 0) {
        problems.push({
          file: `${rel === '' ? '' : `${rel}/`}election.yaml`,
          message: 'election.yaml directly in ELECTION_DIR is ignored: each election needs a folder of its own',
          severity: 'error',
        });
      } else {
        folders.push({ key: electionKey(segments), dir: rel, files: scan.files, problems: scan.linkProblems });
      }
    }
    for (const sub of scan.subfolders) await walk([...segments, sub]);
  };
  await walk([]);
  return { folders, problems };
}

function readSmallFile(path: string, maxBytes: number): string | { tooBig: number } {
  // O_NOFOLLOW: a file swapped for a symbolic link after the walk is still not followed.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { tooBig: size };
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the files of one election folder (regular files only, size-limited).
 * Synchronous on purpose: a folder is a dozen small files, and the thread-pool round
 * trips of fs/promises cost more than the reads (0.5 s on 6,500 files).
 */
export function readElectionFolder(root: string, ref: FolderRef, maxFileBytes?: number): ElectionFolder {
  const problems: Problem[] = [...ref.problems];
  const files = new Map<string, string>();
  for (const name of ref.files) {
    const shown = `${ref.dir}/${name}`;
    const limit = limitFor(name, maxFileBytes);
    try {
      const content = readSmallFile(join(root, ref.dir, name), limit);
      if (typeof content === 'string') files.set(name, content);
      else
        problems.push({
          file: shown,
          message: `is ${content.tooBig} bytes; files over ${limit} bytes are not read`,
          severity: 'error',
          code: 'file-too-large',
        });
    } catch (error) {
      const why =
        (error as { code?: string } | null)?.code === 'ELOOP'
          ? 'is a symbolic link, which Scrutin does not follow'
          : `cannot be read: ${reason(error)}`;
      problems.push({ file: shown, message: why, severity: 'error' });
    }
  }
  return { key: ref.key, dir: ref.dir, files, problems };
}

/** What the worker is asked to parse. */
export interface LoadRequest {
  /** Tells the answers to one request from another's. */
  id: number;
  root: string;
  refs: FolderRef[];
  maxFileBytes?: number;
  /** Passed through to a test's worker hooks. */
  data?: unknown;
}

/** What the worker says about a request, in this order for each folder: begin, head, entry; then done. */
export type LoadMessage = { id: number } & (
  | { type: 'begin'; index: number }
  | { type: 'head'; index: number; name: string | null; officerSet: Set<string> }
  | { type: 'entry'; index: number; entry: ElectionEntry }
  | { type: 'done' }
);

export interface LoadHooks {
  /** Called in the worker when a folder has been read, before it is parsed (tests hold or break the worker here). */
  beforeParse?: (ref: FolderRef, data: unknown) => void;
}

/** The worker's side: answers each request posted to `port`, folder by folder. */
export function serveLoadRequests(port: MessagePort, hooks: LoadHooks = {}): void {
  port.on('message', (request: LoadRequest) => {
    const { id } = request;
    request.refs.forEach((ref, index) => {
      port.postMessage({ id, type: 'begin', index } satisfies LoadMessage);
      const folder = readElectionFolder(request.root, ref, request.maxFileBytes);
      port.postMessage({ id, type: 'head', index, ...readElectionHead(folder) } satisfies LoadMessage);
      hooks.beforeParse?.(ref, request.data);
      port.postMessage({ id, type: 'entry', index, entry: parseElectionFolder(folder) } satisfies LoadMessage);
    });
    port.postMessage({ id, type: 'done' } satisfies LoadMessage);
  });
}

export interface LoadWorkerSettings {
  /** Longest time one election folder may take to read and parse. */
  timeLimitMs: number;
  /** Heap limit of the worker, in MiB. */
  memoryMb: number;
  /** The worker's module (tests substitute one that can be held). */
  entry: URL;
  /** Passed to the worker's hooks with each request (tests). */
  data?: unknown;
}

let settings: LoadWorkerSettings = {
  timeLimitMs: 20_000,
  memoryMb: 512,
  entry: siblingModule(import.meta.url, 'loadWorker'),
};

/** Changes the worker settings for this process (tests); returns a function that restores them. */
export function configureLoadWorker(changes: Partial<LoadWorkerSettings>): () => void {
  const before = settings;
  settings = { ...settings, ...changes };
  return () => {
    settings = before;
  };
}

function startWorker(entry: URL, memoryMb: number): Worker {
  return startModuleWorker(entry, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
}

// A few workers serve every load of the process (starting one costs a few hundred
// milliseconds: the parser's modules load again in each thread). Loads are asked for
// in lanes (one per community): a lane's loads run one at a time, so a lane never holds
// more than one worker, and a hostile push in one community, however long its reading
// takes, leaves the other workers to the other communities. One repository uses one
// lane, so a single-community server runs one worker, as before. A worker is replaced
// after it had to be stopped, and does not keep the process alive while idle.
const LOAD_WORKERS = 2;

interface Slot {
  current: { worker: Worker; entry: string; memoryMb: number } | null;
}
const freeSlots: Slot[] = Array.from({ length: LOAD_WORKERS }, () => ({ current: null }));
const waitingForSlot: Array<(slot: Slot) => void> = [];
const laneTails = new Map<string, Promise<unknown>>();
let nextId = 1;

function acquireSlot(): Promise<Slot> {
  const slot = freeSlots.pop();
  if (slot !== undefined) return Promise.resolve(slot);
  return new Promise((resolve) => waitingForSlot.push(resolve));
}

function releaseSlot(slot: Slot): void {
  const next = waitingForSlot.shift();
  if (next !== undefined) next(slot);
  else freeSlots.push(slot);
}

function workerFor(slot: Slot, current: LoadWorkerSettings): Worker {
  if (slot.current !== null && (slot.current.entry !== current.entry.href || slot.current.memoryMb !== current.memoryMb)) {
    void slot.current.worker.terminate();
    slot.current = null;
  }
  if (slot.current === null) {
    const worker = startWorker(current.entry, current.memoryMb);
    const mine = { worker, entry: current.entry.href, memoryMb: current.memoryMb };
    worker.on('exit', () => {
      if (slot.current === mine) slot.current = null;
    });
    // Errors are reported to the request in progress; this keeps an idle worker's
    // failure from becoming an uncaught exception.
    worker.on('error', () => undefined);
    worker.unref();
    slot.current = mine;
  }
  return slot.current.worker;
}

/** How long a worker may take to answer before the first folder (tsx compiles the sources on a cold start). */
const STARTUP_LIMIT_MS = 60_000;

type Head = { name: string | null; officerSet: Set<string> };

interface WorkerRun {
  entries: ElectionEntry[];
  /** Why the run stopped early; `at` is the folder it was on (null: between folders, or before any). */
  failure: { at: number | null; reason: string; head: Head | null } | null;
}

function describeWorkerError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'reading it needed more memory than the reader is allowed';
  return `reading it failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** One request to the worker, until it is done or the worker stops (time limit, crash). */
function runRequest(
  slot: Slot,
  root: string,
  refs: FolderRef[],
  maxFileBytes: number | undefined,
  current: LoadWorkerSettings,
): Promise<WorkerRun> {
  return new Promise((resolve) => {
    const id = nextId++;
    const worker = workerFor(slot, current);
    const entries: ElectionEntry[] = [];
    let at: number | null = null;
    let head: Head | null = null;
    let reason: string | null = null;
    let settled = false;
    const finish = (run: WorkerRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      worker.unref();
      resolve(run);
    };
    const stopAfter = (ms: number, why: string): NodeJS.Timeout =>
      setTimeout(() => {
        reason = why;
        void worker.terminate();
      }, ms);
    let timer = stopAfter(STARTUP_LIMIT_MS, `the meta repository reader did not start within ${STARTUP_LIMIT_MS / 1000} s`);
    const onMessage = (message: LoadMessage): void => {
      if (message.id !== id) return;
      if (message.type === 'begin') {
        at = message.index;
        head = null;
        clearTimeout(timer);
        timer = stopAfter(current.timeLimitMs, `reading it took longer than ${current.timeLimitMs / 1000} s, so it was stopped`);
      } else if (message.type === 'head') {
        head = { name: message.name, officerSet: message.officerSet };
      } else if (message.type === 'entry') {
        entries.push(message.entry);
        at = null;
        clearTimeout(timer);
      } else {
        finish({ entries, failure: null });
      }
    };
    const onError = (error: unknown): void => {
      reason ??= describeWorkerError(error);
    };
    const onExit = (code: number): void => {
      if (entries.length === refs.length) finish({ entries, failure: null });
      else finish({ entries, failure: { at, reason: reason ?? `the reader stopped unexpectedly (exit code ${code})`, head } });
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.ref();
    const request: LoadRequest = { id, root, refs, ...(maxFileBytes === undefined ? {} : { maxFileBytes }), data: current.data };
    worker.postMessage(request);
  });
}

/** The entry of an election the worker could not finish: unavailable, with the reason, officers kept when known. */
function unreadEntry(ref: FolderRef, reason: string, head: Head | null): ElectionEntry {
  return {
    key: ref.key,
    dir: ref.dir,
    ok: false,
    name: head?.name ?? null,
    officerSet: head?.officerSet ?? new Set(),
    problems: [
      {
        file: ref.dir,
        message: `this election was not loaded: ${reason}. Look for a very large or deeply nested file in it`,
        severity: 'error',
        code: 'read-budget',
      },
    ],
  };
}

/** Parses `refs` in the worker, starting a new one after one had to be stopped. */
async function parseInWorker(slot: Slot, root: string, refs: FolderRef[], maxFileBytes: number | undefined): Promise<ElectionEntry[]> {
  const current = settings;
  const out: ElectionEntry[] = [];
  while (out.length < refs.length) {
    const rest = refs.slice(out.length);
    const run = await runRequest(slot, root, rest, maxFileBytes, current);
    out.push(...run.entries);
    if (run.failure === null) continue;
    const stuck = run.failure.at === null ? undefined : rest[run.failure.at];
    if (stuck !== undefined) {
      out.push(unreadEntry(stuck, run.failure.reason, run.failure.head));
    } else if (run.entries.length === 0) {
      // Stopped before any folder: the reader itself could not start. The sync fails
      // and the last good snapshot stays in service.
      throw new Error(run.failure.reason);
    }
    // Otherwise it stopped between two folders: a new worker carries on.
  }
  return out;
}

/**
 * One load at a time per lane, each in a free worker; a lane's loads asked for meanwhile
 * wait their turn, and loads of other lanes run beside it while workers are free.
 */
function parseInTurn(lane: string, root: string, refs: FolderRef[], maxFileBytes: number | undefined): Promise<ElectionEntry[]> {
  const before = laneTails.get(lane) ?? Promise.resolve();
  const run = before.then(async () => {
    const slot = await acquireSlot();
    try {
      return await parseInWorker(slot, root, refs, maxFileBytes);
    } finally {
      releaseSlot(slot);
    }
  });
  // The lane must not hold on to the entries (a whole snapshot) once they are returned.
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  laneTails.set(lane, tail);
  void tail.then(() => {
    if (laneTails.get(lane) === tail) laneTails.delete(lane);
  });
  return run;
}

/**
 * Reads and parses every election under ELECTION_DIR: the walk here (asynchronous
 * I/O), the reading and parsing in a worker thread unless `inProcess`.
 */
export async function loadSnapshot(options: LoadOptions): Promise<MetaSnapshot> {
  const now = options.now ?? (() => new Date());
  const { folders, problems } = await findElectionFolders(options.root, options.electionDir);
  const parsed =
    options.inProcess === true
      ? folders.map((ref) => parseElectionFolder(readElectionFolder(options.root, ref, options.maxFileBytes)))
      : folders.length === 0
        ? []
        : await parseInTurn(options.lane ?? '', options.root, folders, options.maxFileBytes);
  const entries = new Map<string, ElectionEntry>();
  for (const entry of parsed) addEntry(entries, entry, problems);
  return freezeSnapshot({ revision: options.revision ?? null, loadedAt: now(), entries, problems });
}

/**
 * Reads and parses the one election folder `dir` (relative to `root`), as
 * `scrutin validate <folder>` does. Problems are values; the folder must hold election.yaml.
 */
export async function loadElection(
  root: string,
  dir: string,
  key: string,
  maxFileBytes?: number,
): Promise<{ entry: ElectionEntry | null; problems: Problem[] }> {
  const problems: Problem[] = [];
  const scan = await scanFolder(root, dir, problems);
  if (scan === null) return { entry: null, problems };
  if (!scan.hasElection) {
    problems.push({ file: dir, message: 'holds no election.yaml', severity: 'error' });
    return { entry: null, problems };
  }
  const folder = readElectionFolder(root, { key, dir, files: scan.files, problems: scan.linkProblems }, maxFileBytes);
  return { entry: parseElectionFolder(folder), problems };
}
