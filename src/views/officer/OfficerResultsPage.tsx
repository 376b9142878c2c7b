import type { ElectionCount, SchulzeCount } from '../../app/officer/countElection.js';
import { Alternatives, ApprovalSections, methodWords, RulesCard, SeatingNotes, StvSections } from './MethodResults.js';
import type { Election } from '../../core/meta/types.js';
import { ordinal, percent } from '../../core/officer/resultsDraft.js';
import { pairwiseBucket } from '../../core/officer/turnout.js';
import type { Comparison, PathEvidence, TallyResult } from '../../core/tally/index.js';
import { When } from '../components/When.js';
import { capText } from '../../core/governance/rules.js';
import { adminBase, OfficerLayout, ScrollTable, type OfficerFrame } from './OfficerLayout.js';

export interface OfficerResultsProps {
  frame: OfficerFrame;
  election: Election;
  count: ElectionCount;
  eligible: number;
  draft: string;
  /** The publication, once the officers published the result for everyone. */
  published?: { at: Date; by: string; sha256: string } | null;
}

type Label = (i: number) => string;

/**
 * Beyond this many candidates the n×n tables are left to the JSON download: 1,000
 * candidates made a 140 MB page that took 9 seconds to render.
 */
export const PAGE_TABLE_LIMIT = 100;
/** At most this many comparisons of each explanation list are shown (the JSON has them all). */
export const PAGE_EXPLANATION_LIMIT = 1000;

/** Said in place of a table too large for a page. */
function TooLarge({ n, what, field }: { n: number; what: string; field: string }) {
  return (
    <p class="notice">
      With {String(n)} candidates the {what} table ({String(n)} × {String(n)}) is too large for a page. It is in the results JSON (
      <code>{field}</code>) and in <code>scrutin tally --format markdown</code> of the ballots CSV.
    </p>
  );
}

function labels(count: SchulzeCount): Label {
  return (i) => {
    const id = count.result.candidates[i] ?? '';
    return count.names.get(id) ?? id;
  };
}

function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function seatText(first: number, last: number): string {
  return first === last ? `seat ${first}` : `seats ${first} to ${last}`;
}

function Winners({ result, label }: { result: TallyResult; label: Label }) {
  return (
    <section class="card winners-card" aria-labelledby="winners">
      <h2 id="winners">{result.seats === 1 ? 'Winner' : `Winners (${result.seats} seats)`}</h2>
      {result.winners.length > 0 ? (
        <ol class="winners">
          {result.winners.map((w) => (
            <li>
              <strong>{label(w)}</strong> <span class="muted">({result.candidates[w] ?? ''})</span>
            </li>
          ))}
        </ol>
      ) : (
        <p>No winner can be named from the count alone.</p>
      )}
      {result.ties.map((t) => (
        <div class="notice tie" role="note">
          <p>
            <strong>Tie for {seatText(t.firstSeat, t.lastSeat)}:</strong> {listing(t.candidates.map(label))} are tied. Scrutin names no
            winner for {t.firstSeat === t.lastSeat ? 'this seat' : 'these seats'}: the election officers break the tie by their own rules.
          </p>
        </div>
      ))}
      {result.vacantSeats > 0 ? (
        <p class="notice">
          {result.vacantSeats === 1 ? '1 seat stays' : `${result.vacantSeats} seats stay`} empty: there are fewer candidates than seats.
        </p>
      ) : null}
    </section>
  );
}

function Ranking({ result, label }: { result: TallyResult; label: Label }) {
  let place = 1;
  const rows = result.ranking.flatMap((group) => {
    const here = place;
    place += group.length;
    return group.map((x) => ({ x, place: here, tied: group.length > 1 }));
  });
  const elected = new Set(result.winners);
  return (
    <section class="card" aria-labelledby="ranking">
      <h2 id="ranking">Full ranking</h2>
      <ScrollTable label="Full ranking table">
        <table class="ranking-table">
          <thead>
            <tr>
              <th scope="col">Place</th>
              <th scope="col">Candidate</th>
              <th scope="col">ID</th>
              <th scope="col" class="num">
                Beaten by
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
                <th scope="row">{label(r.x)}</th>
                <td>
                  <code>{result.candidates[r.x] ?? ''}</code>
                </td>
                <td class="num">{String(result.beatenBy[r.x] ?? 0)}</td>
                <td>
                  {elected.has(r.x) ? (
                    <span class="chip chip-ok">Elected</span>
                  ) : result.ties.some((t) => t.candidates.includes(r.x)) ? (
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
        "Beaten by" counts the candidates whose strongest path to this one is stronger than the path back. Candidates beaten by as many
        share a place.
      </p>
    </section>
  );
}

const BUCKET_WORDS: Record<string, string> = {
  even: 'as many the other way',
  'win-1': 'more than the other way',
  'win-2': 'more than the other way',
  'win-3': 'more than the other way',
  'loss-1': 'fewer than the other way',
  'loss-2': 'fewer than the other way',
  'loss-3': 'fewer than the other way',
};

function Pairwise({ result, label }: { result: TallyResult; label: Label }) {
  const n = result.candidates.length;
  const order = result.ranking.flat();
  if (n > PAGE_TABLE_LIMIT) {
    return (
      <section class="card" aria-labelledby="pairwise">
        <h2 id="pairwise">Pairwise preferences</h2>
        <TooLarge n={n} what="pairwise" field="pairwise" />
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="pairwise">
      <h2 id="pairwise">Pairwise preferences</h2>
      <p class="hint" id="pairwise-hint">
        Each cell counts the ballots ranking the row's candidate above the column's. Green: more ballots prefer the row's candidate than the
        column's; red: fewer; the deeper the colour, the larger the margin. A voter who left either candidate unranked counts on neither
        side. Candidates in ranking order.
      </p>
      <ScrollTable label="Pairwise preferences table">
        <table class="matrix" aria-describedby="pairwise-hint">
          <thead>
            <tr>
              <td class="corner"></td>
              {order.map((y) => (
                <th scope="col">{label(y)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {order.map((x) => (
              <tr>
                <th scope="row">{label(x)}</th>
                {order.map((y) => {
                  if (x === y) return <td class="self">—</td>;
                  const xy = result.d[x * n + y] ?? 0;
                  const yx = result.d[y * n + x] ?? 0;
                  const bucket = pairwiseBucket(xy, yx, result.ballots);
                  return (
                    <td class={`pw pw-${bucket}`}>
                      {String(xy)}
                      <span class="visually-hidden">
                        {' '}
                        ({BUCKET_WORDS[bucket] ?? ''}: {String(yx)})
                      </span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
      <ul class="legend" aria-hidden="true">
        <li>
          <span class="swatch pw-win-3"></span> clear majority
        </li>
        <li>
          <span class="swatch pw-win-2"></span> majority
        </li>
        <li>
          <span class="swatch pw-win-1"></span> narrow majority
        </li>
        <li>
          <span class="swatch pw-even"></span> even
        </li>
        <li>
          <span class="swatch pw-loss-1"></span> narrow minority
        </li>
        <li>
          <span class="swatch pw-loss-2"></span> minority
        </li>
        <li>
          <span class="swatch pw-loss-3"></span> clear minority
        </li>
      </ul>
    </section>
  );
}

function Strongest({ result, label }: { result: TallyResult; label: Label }) {
  const n = result.candidates.length;
  const order = result.ranking.flat();
  if (n > PAGE_TABLE_LIMIT) return <TooLarge n={n} what="strongest-path" field="strongest" />;
  return (
    <details class="strongest">
      <summary>Strongest paths (table)</summary>
      <p class="hint" id="strongest-hint">
        Each cell is the strength of the strongest path from the row's candidate to the column's (0: no path).
      </p>
      <ScrollTable label="Strongest paths table">
        <table class="matrix" aria-describedby="strongest-hint">
          <thead>
            <tr>
              <td class="corner"></td>
              {order.map((y) => (
                <th scope="col">{label(y)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {order.map((x) => (
              <tr>
                <th scope="row">{label(x)}</th>
                {order.map((y) => (x === y ? <td class="self">—</td> : <td class="num">{String(result.p[x * n + y] ?? 0)}</td>))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </details>
  );
}

function chain(path: PathEvidence, label: Label): string {
  return path.chain.map(label).join(' → ');
}

function Reason({ c, label }: { c: Comparison; label: Label }) {
  const a = label(c.a);
  const b = label(c.b);
  const head = `Head to head, ${c.aOverB} ${c.aOverB === 1 ? 'ballot ranks' : 'ballots rank'} ${a} higher and ${c.bOverA} ${b} higher.`;
  if (c.outcome === 'tie') {
    return (
      <li>
        <strong>{a}</strong> and <strong>{b}</strong> are tied:{' '}
        {c.pathAToB.strength === 0 ? (
          'there is no path either way.'
        ) : (
          <>
            the strongest paths, <span class="path">{chain(c.pathAToB, label)}</span> and{' '}
            <span class="path">{chain(c.pathBToA, label)}</span>, are equally strong ({String(c.pathAToB.strength)}).
          </>
        )}{' '}
        {head}
      </li>
    );
  }
  return (
    <li>
      <strong>{a}</strong> beats <strong>{b}</strong>: the strongest path <span class="path">{chain(c.pathAToB, label)}</span> has strength{' '}
      {String(c.pathAToB.strength)},{' '}
      {c.pathBToA.strength === 0 ? (
        'and there is no path back.'
      ) : (
        <>
          more than the path back, <span class="path">{chain(c.pathBToA, label)}</span> ({String(c.pathBToA.strength)}).
        </>
      )}{' '}
      {head}
    </li>
  );
}

function More({ count, field }: { count: number; field: string }) {
  return count > 0 ? (
    <p class="hint">
      … and {String(count)} more, in the results JSON (<code>{field}</code>).
    </p>
  ) : null;
}

function Why({ result, omitted, label }: { result: TallyResult; omitted: SchulzeCount['omitted']; label: Label }) {
  return (
    <section class="card" aria-labelledby="why">
      <h2 id="why">Why</h2>
      <p class="hint">
        The strongest path behind each step of the ranking (a path's strength is its weakest link: the ballots preferring each candidate to
        the next).
      </p>
      {result.explanation.adjacent.length > 0 ? (
        <ul class="reasons">
          {result.explanation.adjacent.map((c) => (
            <Reason c={c} label={label} />
          ))}
        </ul>
      ) : (
        <p>There is only one candidate.</p>
      )}
      <More count={omitted.adjacent} field="explanation.adjacent" />
      {result.explanation.winners.length > 0 ? (
        <details>
          <summary>Each winner against each candidate not elected ({String(result.explanation.winners.length + omitted.winners)})</summary>
          <ul class="reasons">
            {result.explanation.winners.map((c) => (
              <Reason c={c} label={label} />
            ))}
          </ul>
          <More count={omitted.winners} field="explanation.winners" />
        </details>
      ) : null}
    </section>
  );
}

/**
 * The count's sections for the election's method (winners and ties, ranking, pairwise
 * table, reasons, or their approval and STV counterparts): the officers' results page
 * and the public one render the same count with the same parts.
 */
export function CountSections({ count }: { count: ElectionCount }) {
  return count.method === 'schulze' ? (
    <SchulzeSections count={count} />
  ) : count.method === 'approval' ? (
    <ApprovalSections count={count} />
  ) : (
    <StvSections count={count} />
  );
}

/** Publish for everyone (one audited action), or where it was published. */
function Publish({ frame, published }: { frame: OfficerFrame; published: OfficerResultsProps['published'] }) {
  const key = frame.electionKey;
  return (
    <section class="card" aria-labelledby="publish">
      <h2 id="publish">Publish for everyone</h2>
      {published !== null && published !== undefined ? (
        <p>
          Published <When date={published.at} /> by {published.by}: <a href={`/elections/${key}/results`}>the public results page</a>.
          Ballots CSV SHA-256: <code class="hash">{published.sha256}</code>
        </p>
      ) : (
        <form method="post" action={`${adminBase(key)}/publish`}>
          <input type="hidden" name="_csrf" value={frame.ctx.csrfToken} />
          <p>
            Shows this result to everyone, signed in or not, at <code>/elections/{key}/results</code>, with the anonymous ballots CSV (and
            the receipt codes, where the election has them) and its SHA-256. It cannot be undone, and it is recorded in the audit trail.
          </p>
          <p>
            <button type="submit" class="button primary" data-busy="Publishing…">
              Publish the results and the ballots
            </button>
          </p>
        </form>
      )}
    </section>
  );
}

/** The sections of a Schulze count: winners, ranking, pairwise table, why; then the rules' notes and the other methods. */
function SchulzeSections({ count }: { count: SchulzeCount }) {
  const { result } = count;
  const label = labels(count);
  return (
    <>
      <Winners result={result} label={label} />
      <SeatingNotes notes={count.notes} />
      <Ranking result={result} label={label} />
      <Pairwise result={result} label={label} />
      <Why result={result} omitted={count.omitted} label={label} />
      <Alternatives count={count} />
      <section class="card" aria-labelledby="strongest-heading">
        <h2 id="strongest-heading">Strongest paths</h2>
        <Strongest result={result} label={label} />
      </section>
    </>
  );
}

/** Warnings about the governance keys, for the officers (the count ignored what they name). */
const RULE_WARNINGS = new Set(['governance-ignored', 'affiliation-missing']);

export function OfficerResultsPage({ frame, election, count, eligible, draft, published = null }: OfficerResultsProps) {
  const { abstentions } = count;
  const base = adminBase(frame.electionKey);
  const share = percent(count.ballots, eligible);
  const ruleWarnings = election.warnings.filter((w) => w.code !== undefined && RULE_WARNINGS.has(w.code));
  const maxSelections =
    count.method === 'approval' && count.rules.maxSelections !== null ? ` --max-selections ${count.rules.maxSelections}` : '';
  const tallyOptions = count.method === 'schulze' ? '' : ` --method ${count.method}${maxSelections}`;
  return (
    <OfficerLayout frame={frame} title={`Results · ${election.name}`} section="results" crumb={['Results', `${base}/results`]}>
      <header class="page-head">
        <p class="org">{election.organization ?? 'Election'}</p>
        <h1>Results: {election.name}</h1>
        <p class="page-head-meta">
          Voting closed <When date={election.endDatetime} />. Counted now from the stored ballots with {methodWords(count)}.
        </p>
      </header>
      <section class="card" aria-labelledby="summary">
        <h2 id="summary" class="visually-hidden">
          Summary
        </h2>
        <dl class="facts figures">
          <div>
            <dt>Seats</dt>
            <dd>{String(count.seats)}</dd>
          </div>
          <div>
            <dt>Ballots counted</dt>
            <dd>{String(count.ballots)}</dd>
          </div>
          <div>
            <dt>Abstentions</dt>
            <dd>
              {String(abstentions)} <span class="muted">({count.method === 'approval' ? 'approving nobody' : 'no preference'})</span>
            </dd>
          </div>
          <div>
            <dt>Eligible voters</dt>
            <dd>{String(eligible)}</dd>
          </div>
          <div>
            <dt>Turnout</dt>
            <dd>{share ?? '—'}</dd>
          </div>
        </dl>
      </section>
      <RulesCard count={count} warnings={ruleWarnings} />
      <CountSections count={count} />
      <Publish frame={frame} published={published} />
      <section class="card" aria-labelledby="more">
        <h2 id="more">Downloads</h2>
        <ul class="link-list">
          <li>
            <a href={`${base}/download`} download>
              Ballots (CSV)
            </a>
            : count them yourself with{' '}
            <code>
              scrutin tally {frame.electionKey}-ballots.csv{tallyOptions} --winners {String(count.seats)}
            </code>
            {count.rules.tieBreak !== null ? (
              <>
                {' '}
                <code>--tie-break-seed {JSON.stringify(count.rules.tieBreak.seed)}</code>
              </>
            ) : null}
            {count.rules.cap !== null ? (
              <>
                {' '}
                <code>--max-per-affiliation {capText(count.rules.cap)} --affiliations FILE</code>, or{' '}
                <code>scrutin tally --election {frame.electionKey}</code> with the meta repository
              </>
            ) : null}
          </li>
          <li>
            <a href={`${base}/results.json`} download>
              Results (JSON)
            </a>
          </li>
        </ul>
      </section>
      <section class="card" aria-labelledby="draft">
        <h2 id="draft">Draft results.md</h2>
        <p class="hint" id="draft-hint">
          Review and complete it (how ties were broken, congratulations), then commit it as <code>{`${election.dir}/results.md`}</code> in
          the meta repository: voters see it on the election's results page once it is synced.
        </p>
        <label for="draft-text" class="visually-hidden">
          Draft results.md
        </label>
        <textarea id="draft-text" class="draft" readonly rows={Math.min(40, draft.split('\n').length + 1)} aria-describedby="draft-hint">
          {draft}
        </textarea>
      </section>
    </OfficerLayout>
  );
}
