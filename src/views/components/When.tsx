import { relativeText, utcText } from '../format.js';

/**
 * A moment shown in UTC; the page script appends the viewer's local time
 * (`data-local`). With `now`, a relative phrase follows ("in 3 days").
 */
export function When({ date, now }: { date: Date; now?: Date }) {
  return (
    <>
      <time datetime={date.toISOString()} data-local="">
        {utcText(date)}
      </time>
      {now !== undefined ? <span class="relative"> ({relativeText(date, now)})</span> : null}
    </>
  );
}
