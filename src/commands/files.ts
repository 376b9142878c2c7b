// Files named on the command line: one wording for the errors a user can fix, and a
// chunked reader, shared by the commands that read them (kept apart from common.ts,
// which loads the database).
import { open } from 'node:fs/promises';
import { UserError } from './types.js';

/** The UserError for a file-system error on `label`, or null when it is not one a user can fix. */
export function fileError(label: string, error: unknown, kind = 'a file'): UserError | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new UserError(`${label}: no such file`);
  if (code === 'EISDIR') return new UserError(`${label}: is a folder, not ${kind}`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${label}: permission denied`);
  return null;
}

const CHUNK_BYTES = 1 << 20;

/** Anything that takes a file's bytes in chunks (the parsers copy what they keep). */
export interface ChunkSink {
  push: (chunk: Uint8Array) => void;
}

/**
 * Pushes the whole file into each sink, chunk by chunk, reusing one buffer, so a
 * ballot CSV of a million rows costs one buffer, not its own size in memory.
 */
export async function streamFile(path: string, ...sinks: ChunkSink[]): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      // The parsers copy only the unfinished last row, so the buffer can be reused.
      for (const sink of sinks) sink.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}
