import type { Phase } from '../../core/election/phase.js';
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
        const title = <a href={`${base}/${item.key}`}>{item.name}</a>;
        return (
          <li class="election-item">
            <div class="election-item-main">
              {item.organization !== null ? <p class="org">{item.organization}</p> : null}
              {headingLevel === 2 ? <h2 class="election-item-title">{title}</h2> : <h3 class="election-item-title">{title}</h3>}
              <p class="election-item-when">{windowLine(item, now)}</p>
            </div>
            <div class="election-item-side">
              <PhaseBadge phase={item.phase} />
              {item.note !== undefined ? <span class={`chip chip-${item.note.tone}`}>{item.note.text}</span> : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
