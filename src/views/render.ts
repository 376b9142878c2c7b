// Renders a hono/jsx tree to an HTML string. Every interpolated value is escaped by
// hono/jsx; only HTML produced by our own sanitising Markdown renderer is inserted
// raw, through `trusted()`.
import { raw } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { HtmlEscapedString } from 'hono/utils/html';

export function render(node: JSX.Element): string {
  if (node instanceof Promise) throw new Error('views must be synchronous');
  return `<!doctype html>${node.toString()}`;
}

/** HTML that has already been sanitised (rendered Markdown from src/core/meta). */
export function trusted(html: string): HtmlEscapedString {
  return raw(html);
}
