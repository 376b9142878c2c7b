// The parts of the officers' results page that depend on the election's rules: what
// the cap and the declared tie-break did, the approval and STV counts, and (for
// Schulze) what other methods would have given, labelled informational. Everything
// shown comes from the ElectionCount of src/app/officer/countElection.ts.
import type { ApprovalCount, ElectionCount, SchulzeCount, StvCount } from '../../app/officer/countElection.js';
import { capText } from '../../core/governance/rules.js';
import type { Problem } from '../../core/meta/types.js';
import { ordinal } from '../../core/officer/resultsDraft.js';
import { describeStvStage, stvOutcomeLines, STV_VARIANT, votesText } from '../../core/tally/formatStv.js';
import { ScrollTable } from './OfficerLayout.js';

/** The method in words, for the page's header. */
export function methodWords(count: ElectionCount): string {
  if (count.method === 'approval') return 'approval voting';
  if (count.method === 'stv') return `single transferable vote (${STV_VARIANT})`;
  return 'the Schulze method (winning votes)';
}

/** The rules this count applied, as election.yaml declares them, and the problems election.yaml has with them. */
export function RulesCard({ count, warnings }: { count: ElectionCount; warnings: readonly Problem[] }) {
  const { rules } = count;
  const declared = rules.cap !== null || rules.tieBreak !== null || rules.method !== 'schulze';
  if (!declared && warnings.length === 0) return null;
  const selections = rules.maxSelections === null ? 'any number of selections' : `at most ${rules.maxSelections} selections`;
  return (
    <section class="card" aria-labelledby="rules">
      <h2 id="rules">The election's rules</h2>
      <dl class="facts">
        <div>
          <dt>Ballot method</dt>
          <dd>
            <code>{rules.method}</code>
            {rules.method === 'approval' ? ` (${selections})` : ''}
          </dd>
        </div>
        <div>
          <dt>Seat cap per affiliation</dt>
          <dd>
            {rules.cap === null ? (
              'none'
            ) : (
              <>
                <code>{capText(rules.cap)}</code> (affiliation from the candidates' <code>{rules.affiliationField}</code>;{' '}
                {String(rules.continuingMembers.length)} continuing {rules.continuingMembers.length === 1 ? 'member' : 'members'} counted)
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Tie-break</dt>
          <dd>
            {rules.tieBreak === null ? (
              'none declared: ties are reported, not broken'
            ) : (
              <>
                seeded-hash draw, seed <code>{rules.tieBreak.seed}</code>
              </>
            )}
          </dd>
        </div>
      </dl>
      {warnings.length > 0 ? (
        <div class="notice" role="note">
          <p>
            <strong>election.yaml has problems with these rules.</strong> What is wrong is ignored, and the count goes on without it:
          </p>
          <ul>
            {warnings.map((w) => (
              <li>
                <code>
                  {w.file}
                  {w.line === undefined ? '' : `:${w.line}`}
                </code>
                : {w.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** What the cap and the declared tie-break did: who was skipped and why, which tie was broken, how and between whom. */
export function SeatingNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <section class="card" aria-labelledby="seating">
      <h2 id="seating">How the rules filled the seats</h2>
      <ul class="reasons">
        {notes.map((n) => (
          <li>{n}</li>
        ))}
      </ul>
    </section>
  );
}

/** Ranked pairs and instant-runoff on the same ballots, for information only. */
export function Alternatives({ count }: { count: SchulzeCount }) {
  if (count.alternativeNotes.length === 0) return null;
  return (
    <section class="card" aria-labelledby="alternatives">
      <h2 id="alternatives">
        Other methods on the same ballots <span class="chip">informational</span>
      </h2>
      <p class="hint">
        This election is decided by the Schulze method, as its rules declare. What two other common methods would have given is shown for
        information only: it decides nothing.
      </p>
      <ul class="reasons">
        {count.alternativeNotes.map((n) => (
          <li>{n}</li>
        ))}
      </ul>
    </section>
  );
}

function WinnersList({ ids, names }: { ids: readonly string[]; names: ReadonlyMap<string, string> }) {
  return ids.length > 0 ? (
    <ol class="winners">
      {ids.map((id) => (
        <li>
          <strong>{names.get(id) ?? id}</strong> <span class="muted">({id})</span>
        </li>
      ))}
    </ol>
  ) : (
    <p>No winner can be named from the count alone.</p>
  );
}

export function ApprovalSections({ count }: { count: ApprovalCount }) {
  const { approval, names } = count;
  const at = new Map(approval.candidates.map((id, i) => [id, i]));
  const elected = new Set(approval.seating.winners);
  const skipped = new Set(approval.seating.skipped.map((s) => s.candidate));
  let place = 1;
  const rows = approval.ranking.flatMap((group) => {
    const here = place;
    place += group.length;
    return group.map((id) => ({ id, place: here, tied: group.length > 1 }));
  });
  return (
    <>
      <section class="card winners-card" aria-labelledby="winners">
        <h2 id="winners">{approval.seats === 1 ? 'Winner' : `Winners (${approval.seats} seats)`}</h2>
        <WinnersList ids={approval.seating.winners} names={names} />
      </section>
      <SeatingNotes notes={count.notes} />
      <section class="card" aria-labelledby="ranking">
        <h2 id="ranking">Approvals</h2>
        <ScrollTable label="Approvals table">
          <table class="ranking-table">
            <thead>
              <tr>
                <th scope="col">Place</th>
                <th scope="col">Candidate</th>
                <th scope="col">ID</th>
                <th scope="col" class="num">
                  Approvals
                </th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    {ordinal(r.place)}
                    {r.tied ? ' (tie)' : ''}
                  </td>
                  <th scope="row">{names.get(r.id) ?? r.id}</th>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td class="num">{String(approval.approvals[at.get(r.id) ?? 0] ?? 0)}</td>
                  <td>
                    {elected.has(r.id) ? (
                      <span class="chip chip-ok">Elected</span>
                    ) : skipped.has(r.id) ? (
                      <span class="chip chip-todo">Skipped (cap)</span>
                    ) : approval.seating.ties.some((t) => t.candidates.includes(r.id)) ? (
                      <span class="chip chip-todo">Tied for a seat</span>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
        <p class="hint">
          {approval.maxSelections === null
            ? 'Each ballot could approve any number of candidates.'
            : `Each ballot could approve at most ${approval.maxSelections}.`}{' '}
          Candidates with as many approvals share a place.
        </p>
      </section>
    </>
  );
}

export function StvSections({ count }: { count: StvCount }) {
  const { stv, names } = count;
  const label = (i: number): string => {
    const id = stv.candidates[i] ?? '';
    return names.get(id) ?? id;
  };
  const winners = stv.winners.map((i) => stv.candidates[i] ?? '');
  // The first line names the elected, which the list above already shows.
  const outcome = stvOutcomeLines(stv, label).slice(1);
  return (
    <>
      <section class="card winners-card" aria-labelledby="winners">
        <h2 id="winners">{stv.seats === 1 ? 'Winner' : `Winners (${stv.seats} seats), in order of election`}</h2>
        <WinnersList ids={winners} names={names} />
        {outcome.map((line) => (
          <p class="notice">{line.trim()}</p>
        ))}
        <p class="hint">
          Quota: {String(stv.quota)} votes ({String(stv.valid)} usable ballots divided by {String(stv.seats + 1)}, decimals dropped, plus
          1).
          {stv.capLimit !== null ? ` Cap: at most ${stv.capLimit} members of the body per affiliation, continuing members counted.` : ''}
        </p>
      </section>
      <section class="card" aria-labelledby="stages">
        <h2 id="stages">The count, stage by stage</h2>
        <ol class="reasons">
          {stv.stages.map((stage) => (
            <li>{describeStvStage(stv, stage, label)}</li>
          ))}
        </ol>
        {stv.stages.length > 0 && stv.candidates.length <= 100 ? (
          <ScrollTable label="Votes at the end of each stage">
            <table class="ranking-table">
              <caption>Votes at the end of each stage</caption>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  {stv.stages.map((s) => (
                    <th scope="col" class="num">
                      Stage {String(s.stage)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {stv.candidates.map((_, c) => (
                  <tr>
                    <th scope="row">{label(c)}</th>
                    {stv.stages.map((s) => (
                      <td class="num">{votesText(s.votes[c] ?? 0)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        ) : null}
      </section>
    </>
  );
}
