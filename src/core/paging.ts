// A list shown a page at a time: which lines page N holds, with a page past the end
// clamped to the last and a page before the first to the first. One home for the rule,
// whether the list is cut in memory (the officer's voter lists) or by the database
// (the audit trail).

export interface PageOf<T> {
  /** The lines of this page. */
  items: T[];
  /** 1-based, within 1..pages. */
  page: number;
  pages: number;
  total: number;
}

/** Page `page` of `total` lines, `size` a page: the page actually shown, how many there are, and where it starts. */
export function pageWindow(total: number, page: number, size: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const at = Math.min(Math.max(1, Math.trunc(page)), pages);
  return { page: at, pages, offset: (at - 1) * size };
}
