// "How this election is counted", for voters, when election.yaml declares rules of its
// own (SPEC §10): the ballot method, the seat cap and the tie-break, whose seed is
// public before voting opens so anyone can check a draw. An Elekto election (none of
// the keys) shows nothing here, as before.
import type { Election } from '../../core/meta/types.js';
import { capWords } from '../../core/governance/rules.js';
import { STV_VARIANT } from '../../core/tally/formatStv.js';
import { fragment } from '../fragments.js';

export function ElectionRules({ election }: { election: Election }) {
  const { rules } = election;
  if (rules.method === 'schulze' && rules.cap === null && rules.tieBreak === null) return null;
  const method =
    rules.method === 'approval'
      ? `Approval voting: you tick the candidates you approve of${rules.maxSelections === null ? '' : `, up to ${rules.maxSelections}`}; the most approved win.`
      : rules.method === 'stv'
        ? `Single transferable vote (${STV_VARIANT}): you rank the candidates, each on a different number.`
        : 'The Schulze method: you rank the candidates; ties between them are allowed.';
  return fragment(election, 'rules', () => (
    <section class="card" aria-labelledby="rules">
      <h2 id="rules">How it is counted</h2>
      <ul>
        <li>{method}</li>
        {rules.cap !== null ? (
          <li>
            The seats follow a cap: {capWords(rules.cap)} (by the candidates' <code>{rules.affiliationField}</code>
            {rules.continuingMembers.length > 0
              ? `, counting ${rules.continuingMembers.length} continuing ${rules.continuingMembers.length === 1 ? 'member' : 'members'}`
              : ''}
            ).
          </li>
        ) : null}
        {rules.tieBreak !== null ? (
          <li>
            A tie is broken by a draw anyone can check: SHA-256 of the seed <code>{rules.tieBreak.seed}</code>, a line feed and each tied
            candidate's ID; the smallest goes first.
          </li>
        ) : null}
      </ul>
    </section>
  ));
}
