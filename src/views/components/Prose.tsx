import { trusted } from '../render.js';

/** Markdown already rendered and sanitised by the meta parser. */
export function Prose({ html, empty }: { html: string; empty?: string }) {
  if (html.trim() === '') return empty === undefined ? null : <p class="muted">{empty}</p>;
  return <div class="prose">{trusted(html)}</div>;
}
