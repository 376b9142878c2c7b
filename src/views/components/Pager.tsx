// Previous / next links for a list shown a page at a time, announced as navigation with
// the list's name, the current page marked for screen readers, and links that work
// without JavaScript.
import { pageWindow, type PageOf } from '../../core/paging.js';

/** The `page` (clamped to the last page) of `all`, `size` at a time. */
export function pageOf<T>(all: readonly T[], page: number, size: number): PageOf<T> {
  const at = pageWindow(all.length, page, size);
  return { items: all.slice(at.offset, at.offset + size), page: at.page, pages: at.pages, total: all.length };
}

export function Pager({ label, of, href }: { label: string; of: PageOf<unknown>; href: (page: number) => string }) {
  if (of.pages <= 1) return null;
  return (
    <nav aria-label={`Pages of ${label}`} class="pager">
      {of.page > 1 ? (
        <a href={href(of.page - 1)} rel="prev" class="button small">
          Previous page
        </a>
      ) : null}
      <span aria-current="page">
        Page {String(of.page)} of {String(of.pages)} ({String(of.total)})
      </span>
      {of.page < of.pages ? (
        <a href={href(of.page + 1)} rel="next" class="button small">
          Next page
        </a>
      ) : null}
    </nav>
  );
}
