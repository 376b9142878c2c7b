// Reads an officer's ballot CSV from disk in fixed-size chunks into the streaming
// count, so a file of a million ballots costs one buffer, not its own size in memory.
import { open } from 'node:fs/promises';
import { CsvBallotCount, type BallotCsvOptions, type CountedCsv } from '../core/tally/index.js';

const CHUNK_BYTES = 1 << 20;

export async function countCsvFile(path: string, options: BallotCsvOptions = {}): Promise<CountedCsv> {
  const file = await open(path, 'r');
  try {
    const count = new CsvBallotCount(options);
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      // The parser copies only the unfinished last row, so the buffer can be reused.
      count.push(buffer.subarray(0, bytesRead));
    }
    return count.end();
  } finally {
    await file.close();
  }
}
