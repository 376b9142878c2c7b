// Whether a folder accepts writes right now: a small file is written, flushed to disk
// and removed. A full or read-only file system fails it, as it would fail the database
// or the meta clone.
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const PROBE_NAME = '.scrutin-write-probe';
/** One page: a file system with less room than that cannot take a database write either. */
const PROBE_BYTES = 4096;

export type DiskProbe = { ok: true } | { ok: false; code: string; message: string };

export function probeFolder(folder: string): DiskProbe {
  const path = join(folder, `${PROBE_NAME}-${process.pid}`);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'w', 0o600);
    writeSync(fd, Buffer.alloc(PROBE_BYTES));
    fsyncSync(fd);
    return { ok: true };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { ok: false, code: e.code ?? 'EIO', message: e.message };
  } finally {
    const opened = fd;
    if (opened !== null)
      ignoreErrors(() => {
        closeSync(opened);
      });
    ignoreErrors(() => {
      unlinkSync(path);
    });
  }
}

/** Cleaning up after a probe that may have failed half-way: nothing left to report. */
function ignoreErrors(step: () => void): void {
  try {
    step();
  } catch {
    // never created, or already gone
  }
}
