// Ballots cast under Elekto open and revoke through Scrutin's service. The voter rows are
// written as Elekto left them (salt and sealed uuid from PyNaCl, `kdf` NULL, ballot rows
// carrying the uuid), with the golden vectors of test/fixtures/golden/elekto-sealed.json.
// Elekto's full parameters (512 MiB, 8 passes) cost seconds per derivation, so only two
// such records are opened; the cheap PyNaCl-sealed record runs on every database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ballotHarness, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { makeElection } from '../helpers/meta.js';
import { toDbTime } from '../../src/storage/time.js';

interface Vector {
  passphrase: string;
  salt: string;
  sealed: string;
  plaintext: string;
  kdf?: string;
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/elekto-sealed.json', import.meta.url), 'utf8')) as {
  sealed: (Vector & { label: string })[];
  cheapSealed: Vector & { kdf: string };
};
const byLabel = (label: string) => golden.sealed.find((v) => v.label === label)!;

const election = makeElection({
  key: '2021---GB',
  startDatetime: new Date('2026-01-01T00:00:00Z'),
  endDatetime: new Date('2026-01-15T00:00:00Z'),
  voters: ['JBerkus', 'dims', 'parispittman'],
});
const during = new Date('2026-01-10T00:00:00Z');
const ranks: Record<string, number> = { ann: 2, ben: 1, cat: 100000000 };

/** Writes a voter row and its ballot rows the way Elekto did. */
async function insertElektoBallot(h: BallotHarness, login: string, v: Vector): Promise<void> {
  const user = await h.user(login);
  const electionId = await h.store.elections.ensure(election.key, election.name, during);
  const at = toDbTime(new Date('2026-01-05T10:00:00Z'));
  await h.store.db
    .insertInto('voter')
    .values({
      user_id: user.id,
      election_id: electionId,
      created_at: at,
      updated_at: at,
      salt: Buffer.from(v.salt, 'hex'),
      ballot_id: Buffer.from(v.sealed, 'hex'),
      kdf: v.kdf ?? null,
    })
    .execute();
  for (const [candidate, rank] of Object.entries(ranks)) {
    await h.store.db
      .insertInto('ballot')
      .values({ id: `${login}${candidate}`.padEnd(32, '0').slice(0, 32), election_id: electionId, rank, candidate, voter: v.plaintext })
      .execute();
  }
}

const expectedChoices = [
  { candidateId: 'ann', name: 'ANN', rank: 2 },
  { candidateId: 'ben', name: 'BEN', rank: 1 },
  { candidateId: 'cat', name: 'CAT', rank: null },
];

for (const kind of dialects()) {
  describe(`Elekto's sealed records through the service on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections: [election], now: during });
    });
    after(async () => {
      await h.cleanup();
    });

    test('a record sealed by PyNaCl (cheap argon2id parameters stored with it) views, refuses a wrong passphrase, and revokes', async () => {
      const v = golden.cheapSealed;
      await insertElektoBallot(h, 'dims', v);
      const user = await h.user('dims');
      assert.deepEqual(await h.service.view({ user, electionKey: election.key, passphrase: v.passphrase }), {
        ok: true,
        choices: expectedChoices,
        receipt: null,
      });
      const wrong = await h.service.revoke({ user, electionKey: election.key, passphrase: `${v.passphrase}!` });
      assert.equal(!wrong.ok && wrong.code, 'wrong-passphrase');
      assert.equal((await tableCounts(h.store, election.key)).ballots, 1);
      const revoked = await h.service.revoke({ user, electionKey: election.key, passphrase: v.passphrase });
      assert.deepEqual(revoked, { ok: true, choices: expectedChoices, receipt: null });
      assert.deepEqual(await tableCounts(h.store, election.key), { voters: 0, ballotRows: 0, ballots: 0 });
    });

    // Full cost: the ASCII record views and revokes on SQLite; the six-digit record revokes on the others.
    const full = kind === 'sqlite' ? byLabel('ascii') : byLabel('six-digit fallback');
    test(`an Elekto record at Elekto's full parameters (kdf NULL, ${kind === 'sqlite' ? 'ASCII passphrase' : 'six-digit passphrase'}) opens through the service`, async () => {
      await insertElektoBallot(h, 'JBerkus', full);
      const user = await h.user('JBerkus');
      assert.deepEqual(await h.service.status(user, election.key), {
        voted: true,
        hasPassphrase: true,
        linksErased: false,
        loginTaken: false,
      });
      if (kind === 'sqlite') {
        assert.deepEqual(await h.service.view({ user, electionKey: election.key, passphrase: full.passphrase }), {
          ok: true,
          choices: expectedChoices,
          receipt: null,
        });
      }
      assert.deepEqual(await h.service.revoke({ user, electionKey: election.key, passphrase: full.passphrase }), {
        ok: true,
        choices: expectedChoices,
        receipt: null,
      });
      assert.deepEqual(await tableCounts(h.store, election.key), { voters: 0, ballotRows: 0, ballots: 0 });
      assert.deepEqual(await h.service.status(user, election.key), {
        voted: false,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: false,
      });
    });
  });
}
