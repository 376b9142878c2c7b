// The server side of `npm run bench:vote`: the real Scrutin service (startService, the
// same as `scrutin serve`) with one running election of BENCH_CANDIDATES candidates and
// BENCH_VOTERS eligible voters bench0000, bench0001... in a fixed catalogue, because
// `serve` reads elections from a meta repository. Configuration comes from the
// environment like `serve`; it prints "ready" once listening and stops on SIGTERM.
import { parseConfig } from '../src/config.js';
import { FixedCatalogue } from '../src/metarepo/catalogue.js';
import { startService, stopOnSignals } from '../src/main.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../test/helpers/meta.js';

export const BENCH_ELECTION = 'bench';

export function benchLogin(i: number): string {
  return `bench${String(i).padStart(4, '0')}`;
}

if (process.argv[1]?.endsWith('voteServer.ts') === true) {
  const voters = Number(process.env.BENCH_VOTERS ?? '1000');
  const candidates = Number(process.env.BENCH_CANDIDATES ?? '10');
  const now = new Date();
  const election = makeElection({
    key: BENCH_ELECTION,
    startDatetime: new Date(now.getTime() - 86_400_000),
    endDatetime: new Date(now.getTime() + 86_400_000),
    voters: Array.from({ length: voters }, (_, i) => benchLogin(i)),
    candidates: Array.from({ length: candidates }, (_, i) => makeCandidate(`c${i}`, `Candidate ${i}`)),
  });
  const config = parseConfig(process.env, process.cwd());
  const service = await startService(config, { catalogue: new FixedCatalogue(snapshotOf([entryOf(election)], 'bench', now)) });
  process.stdout.write(`ready ${service.address}\n`);
  await new Promise<void>((done) => {
    stopOnSignals(service, done);
  });
}
