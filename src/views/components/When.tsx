import { parseUtcText, relativeText, UTC_TEXT, utcText } from '../format.js';

/**
 * A moment shown in UTC; the page script appends the viewer's local time
 * (`data-local`). With `now`, a relative phrase follows ("in 3 days").
 */
export function When({ date, now, seconds }: { date: Date; now?: Date; seconds?: boolean }) {
  return (
    <>
      <time datetime={date.toISOString()} data-local="">
        {utcText(date, { seconds: seconds === true })}
      </time>
      {now !== undefined ? <span class="relative"> ({relativeText(date, now)})</span> : null}
    </>
  );
}

/**
 * A sentence from the answers table or a flash message, with each moment in it (as
 * `utcText` writes them) marked up like `When`, so error pages show local time too.
 */
export function TextWithTimes({ text }: { text: string }) {
  const parts: Array<string | ReturnType<typeof When>> = [];
  let last = 0;
  for (const m of text.matchAll(UTC_TEXT)) {
    const date = parseUtcText(m[0]);
    if (date === null) continue;
    parts.push(text.slice(last, m.index), <When date={date} seconds={m[6] !== undefined} />);
    last = m.index + m[0].length;
  }
  if (last === 0) return <>{text}</>;
  parts.push(text.slice(last));
  return <>{parts}</>;
}
