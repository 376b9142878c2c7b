// Where a service under test writes its logs: kept as lines, for tests that read them
// (a secret never logged, a warning named, which process answered).
import { Writable } from 'node:stream';

export function logSink(): { logs: string[]; sink: Writable } {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  return { logs, sink };
}
