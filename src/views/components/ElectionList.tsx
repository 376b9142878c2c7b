import type { Phase } from '../../core/election/phase.js';
import { fragment } from '../fragments.js';
import { relativeText } from '../format.js';
import { PhaseBadge } from './PhaseBadge.js';
import { When } from './When.js';

export interface ElectionListItem {
  key: string;
  name: string;
  organization: string | null;
  phase: Phase | 'unavailable';
  start: Date | null;
  end: Date | null;
  /** A short status for the signed-in user ("You voted", "Not voted yet"...). */
  note?: { text: string; tone: 'ok' | 'todo' | 'info' };
  /**
   * The snapshot's object this line shows (its entry), under which the rendered line is
   * kept: the same election in the same snapshot renders the same line. Without it the
   * line is rendered each time.
   */
  owner?: object;
  /** Where it lives when not under the list's base: another community's page (the dashboard). */
  href?: string;
  /** The community's name, when the list mixes communities. */
  community?: string;
}

function windowLine(item: ElectionListItem, now: Date) {
  if (item.start === null || item.end === null)
    return <span class="muted">Its files have errors; it will be back once the officers fix them.</span>;
  if (item.phase === 'upcoming')
    return (
      <>
        Opens <When date={item.start} now={now} />
      </>
    );
  if (item.phase === 'running')
    return (
      <>
        Closes <When date={item.end} now={now} />
      </>
    );
  return (
    <>
      Closed <When date={item.end} />
    </>
  );
}

function Line({ item, now, base, headingLevel }: { item: ElectionListItem; now: Date; base: string; headingLevel: 2 | 3 }) {
  const title = <a href={item.href ?? `${base}/${item.key}`}>{item.name}</a>;
  return (
    <li class="election-item">
      <div class="election-item-main">
        {item.community !== undefined || item.organization !== null ? (
          <p class="org">{[item.community, item.organization].filter((part) => part !== undefined && part !== null).join(' · ')}</p>
        ) : null}
        {headingLevel === 2 ? <h2 class="election-item-title">{title}</h2> : <h3 class="election-item-title">{title}</h3>}
        <p class="election-item-when">{windowLine(item, now)}</p>
      </div>
      <div class="election-item-side">
        <PhaseBadge phase={item.phase} />
        {item.note !== undefined ? <span class={`chip chip-${item.note.tone}`}>{item.note.text}</span> : null}
      </div>
    </li>
  );
}

/** Elections as a list of cards; `base` is `/app/elections` or the public `/elections`. */
export function ElectionList({
  items,
  now,
  base,
  headingLevel = 3,
}: {
  items: ElectionListItem[];
  now: Date;
  base: string;
  headingLevel?: 2 | 3;
}) {
  return (
    <ul class="election-list">
      {items.map((item) => {
        // A line shows the election, its phase, the note and a relative time: kept per
        // election object (so per snapshot) for each combination seen.
        const rel =
          item.phase === 'upcoming' && item.start !== null
            ? relativeText(item.start, now)
            : item.phase === 'running' && item.end !== null
              ? relativeText(item.end, now)
              : '';
        const variant = `${base} ${headingLevel} ${item.phase} ${item.note?.tone ?? ''} ${item.note?.text ?? ''} ${rel} ${item.href ?? ''} ${item.community ?? ''}`;
        return fragment(item.owner ?? item, variant, () => <Line item={item} now={now} base={base} headingLevel={headingLevel} />);
      })}
    </ul>
  );
}
