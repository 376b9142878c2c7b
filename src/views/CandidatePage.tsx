import type { Candidate, Election } from '../core/meta/types.js';
import { Prose } from './components/Prose.js';
import { fragment } from './fragments.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface CandidatePageProps {
  ctx: PageContext;
  election: Election;
  candidate: Candidate;
  /** Show the "Go to your ballot" link (running, eligible, not voted). */
  canVote: boolean;
}

/** The `show_candidate_fields` of this candidate, in the election's order, as label/value pairs. */
function shownFields(election: Election, candidate: Candidate): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of election.showCandidateFields) {
    const field = candidate.info.find((f) => f.key.toLowerCase() === key.toLowerCase());
    if (field !== undefined && field.value.trim() !== '') out.push([key, field.value]);
  }
  return out;
}

/** `employer` → `Employer`, `slack_id` → `Slack id`. */
function label(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The candidate's name, fields and bio: the same for every voter, so rendered once per snapshot. */
function CandidateProfile({ election, candidate }: { election: Election; candidate: Candidate }) {
  const fields = shownFields(election, candidate);
  return (
    <>
      <header class="page-head">
        <p class="org">Candidate in {election.name}</p>
        <h1>{candidate.name}</h1>
      </header>
      <div class="card">
        {fields.length > 0 ? (
          <dl class="facts candidate-fields">
            {fields.map(([k, v]) => (
              <div>
                <dt>{label(k)}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <div class="bio">
          <Prose html={candidate.bioHtml} empty="No profile submitted." />
        </div>
      </div>
    </>
  );
}

export function CandidatePage({ ctx, election, candidate, canVote }: CandidatePageProps) {
  const key = election.key;

  return (
    <Layout
      ctx={ctx}
      title={`${candidate.name} · ${election.name}`}
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        [candidate.name, `/app/elections/${key}/candidates/${candidate.id}`],
      ]}
    >
      {fragment(candidate, `profile ${key}`, () => (
        <CandidateProfile election={election} candidate={candidate} />
      ))}
      <p class="button-row">
        <a class="button" href={`/app/elections/${key}`}>
          Back to the election
        </a>
        {canVote ? (
          <a class="button primary" href={`/app/elections/${key}/vote`}>
            Go to your ballot
          </a>
        ) : null}
      </p>
    </Layout>
  );
}
