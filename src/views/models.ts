// Shapes only the pages need, declared with them (records several layers share, such
// as exception requests, live in src/core/records.ts).

/** Where a paged list is. */
export interface Pagination {
  page: number;
  pages: number;
  total: number;
}
