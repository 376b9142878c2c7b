// What every page needs to know about the request it is rendered for.
import type { Refusal } from '../app/refusals.js';

export interface Flash {
  kind: 'info' | 'success' | 'error';
  text: string;
}

export interface SessionUser {
  id: number;
  login: string;
  name: string | null;
}

export interface PageContext {
  appName: string;
  user: SessionUser | null;
  csrfToken: string;
  flash: Flash[];
  /** Development sign-in is active: show a banner on every page. */
  devLogin: boolean;
  /** Current path, for navigation state. */
  path: string;
  /** Asset URLs with a content hash, so they can be cached for long. */
  assets: { css: string; js: string };
  /** The words for a refusal a page explains in passing (the HTTP edge's table). */
  explain: (refusal: Refusal) => string;
}
