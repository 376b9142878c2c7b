// Reads an officer's ballot CSV from disk in fixed-size chunks into a streaming
// parser, so a file of a million ballots costs one buffer, not its own size in memory.
import { open } from 'node:fs/promises';
import { CsvBallotCount, type BallotCsvOptions, type CountedCsv } from '../core/tally/index.js';

const CHUNK_BYTES = 1 << 20;

/** Anything that takes a file's bytes in chunks (the parsers copy what they keep). */
export interface ChunkSink {
  push: (chunk: Uint8Array) => void;
}

/** Pushes the whole file into each sink, chunk by chunk, reusing one buffer. */
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

export async function countCsvFile(path: string, options: BallotCsvOptions = {}): Promise<CountedCsv> {
  const count = new CsvBallotCount(options);
  await streamFile(path, count);
  return count.end();
}
