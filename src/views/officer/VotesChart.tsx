import type { DayCount } from '../../core/officer/turnout.js';
import { utcDayText } from '../format.js';
import { ScrollTable } from './OfficerLayout.js';

// Votes per day as an SVG bar chart drawn on the server: no chart library, no
// script, no inline style (the CSP forbids it; colours come from officer.css). The
// SVG is one image with a title and a description; the same figures follow as a table.

const W = 640;
const H = 240;
const LEFT = 40;
const RIGHT = 8;
const TOP = 14;
const BOTTOM = 40;

const shortDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });

const dateOf = (day: string): Date => new Date(`${day}T00:00:00Z`);
const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/** A round number at least `n` for the top of the axis: 1, 2, 5, 10, 20, 50… */
export function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

export function chartSummary(days: readonly DayCount[]): string {
  const total = days.reduce((s, d) => s + d.votes, 0);
  if (total === 0) return `No votes in ${days.length === 1 ? 'the first day' : `${days.length} days`}.`;
  const best = days.reduce((a, b) => (b.votes > a.votes ? b : a));
  return `${total} ${total === 1 ? 'vote' : 'votes'} over ${days.length} ${days.length === 1 ? 'day' : 'days'}; the most on ${utcDayText(dateOf(best.day))} (${best.votes}).`;
}

export function VotesChart({ days, id }: { days: DayCount[]; id: string }) {
  const top = niceCeil(Math.max(0, ...days.map((d) => d.votes)));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.72);
  const labelEvery = Math.max(1, Math.ceil(days.length / 10));
  const y = (v: number): number => TOP + plotH - (v / top) * plotH;
  const ticks = top === 1 ? [0, 1] : [0, top / 2, top];
  return (
    <figure class="chart">
      {/* On a phone the chart keeps a readable size and scrolls sideways, like the tables. */}
      <div class="chart-scroll" tabindex={0} role="region" aria-label="Votes per day (UTC), chart">
        <svg
          class="votes-chart"
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          xmlns="http://www.w3.org/2000/svg"
        >
          <title id={`${id}-title`}>Votes per day (UTC)</title>
          <desc id={`${id}-desc`}>{chartSummary(days)}</desc>
          {ticks.map((t) => (
            <g>
              <line class="chart-grid" x1={LEFT} x2={W - RIGHT} y1={r1(y(t))} y2={r1(y(t))} />
              <text class="chart-label" x={LEFT - 6} y={r1(y(t) + 4)} text-anchor="end">
                {String(t)}
              </text>
            </g>
          ))}
          {days.map((d, i) => {
            const x = LEFT + i * slot + (slot - barW) / 2;
            const h = (d.votes / top) * plotH;
            return (
              <g>
                {d.votes > 0 ? <rect class="chart-bar" x={r1(x)} y={r1(y(d.votes))} width={r1(barW)} height={r1(h)} /> : null}
                {days.length <= 31 && d.votes > 0 ? (
                  <text class="chart-value" x={r1(x + barW / 2)} y={r1(y(d.votes) - 3)} text-anchor="middle">
                    {String(d.votes)}
                  </text>
                ) : null}
                {i % labelEvery === 0 ? (
                  <text class="chart-label" x={r1(x + barW / 2)} y={H - BOTTOM + 16} text-anchor="middle">
                    {shortDay.format(dateOf(d.day))}
                  </text>
                ) : null}
              </g>
            );
          })}
          <line class="chart-axis" x1={LEFT} x2={W - RIGHT} y1={TOP + plotH} y2={TOP + plotH} />
        </svg>
      </div>
      <figcaption>
        <details>
          <summary>Votes per day as a table</summary>
          <ScrollTable label="Votes per day (UTC), table">
            <table class="compact">
              <caption class="visually-hidden">Votes per day (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col" class="num">
                    Votes
                  </th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr>
                    <td>
                      <time datetime={d.day}>{utcDayText(dateOf(d.day))}</time>
                    </td>
                    <td class="num">{String(d.votes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        </details>
      </figcaption>
    </figure>
  );
}
