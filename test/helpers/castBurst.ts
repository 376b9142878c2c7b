// A child process for the crash test (test/ballots/crash.test.ts): the real ballot service
// on DATABASE_URL, casting for BURST_VOTERS voters as fast as BURST_CONCURRENCY workers
// can, one line on stdout per answer ("ok <login>" once committed). The parent kills it
// with SIGKILL part-way. Run with `node --import tsx test/helpers/castBurst.ts`.
import pino from 'pino';
import { createBallotService } from '../../src/app/ballots/service.js';
import { parseConfig } from '../../src/config.js';
import { KdfPool } from '../../src/crypto/kdf.js';
import { answerTo } from '../../src/http/answers.js';
import { FixedCatalogue } from '../../src/metarepo/catalogue.js';
import { Store } from '../../src/storage/store.js';
import { CHEAP_KDF, rankInOrder } from './ballotHarness.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from './meta.js';

export const BURST_ELECTION = 'burst';
export const BURST_CANDIDATES = 8;

const url = process.env.DATABASE_URL ?? '';
const voters = Number(process.env.BURST_VOTERS ?? '300');
const concurrency = Number(process.env.BURST_CONCURRENCY ?? '16');
const logins = Array.from({ length: voters }, (_, i) => `burst${String(i).padStart(4, '0')}`);

if (process.argv[1]?.endsWith('castBurst.ts') === true) {
  const config = parseConfig({ APP_ENV: 'test', DATABASE_URL: url }, process.cwd());
  const store = Store.open(config.db, { poolSize: concurrency });
  const now = new Date();
  const election = makeElection({
    key: BURST_ELECTION,
    startDatetime: new Date(now.getTime() - 86_400_000),
    endDatetime: new Date(now.getTime() + 86_400_000),
    voters: logins,
    candidates: Array.from({ length: BURST_CANDIDATES }, (_, i) => makeCandidate(`c${i}`)),
  });
  const ports = {
    store,
    catalogue: new FixedCatalogue(snapshotOf([entryOf(election)], 'burst', now)),
    clock: () => new Date(),
    log: pino({ level: 'warn' }, pino.destination(2)),
    settings: { minPasscodeLength: config.minPasscodeLength },
  };
  const service = createBallotService(ports, new KdfPool({ concurrency: 2 }), { newParams: CHEAP_KDF });
  let next = 0;
  const worker = async () => {
    while (next < logins.length) {
      const login = logins[next++]!;
      const user = await store.users.recordSignIn({ login, name: null, githubId: null, now: new Date() });
      const outcome = await service.cast({
        user: { id: user.id, login },
        electionKey: BURST_ELECTION,
        fields: rankInOrder(election),
        passphrase: next % 3 === 0 ? 'burst passphrase' : '',
        confirmAbstention: false,
      });
      process.stdout.write(`${outcome.ok ? 'ok' : `refused ${answerTo(outcome).status}`} ${login}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await store.close();
}
