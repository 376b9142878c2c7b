// Static assets from public/, served by this server (never a CDN) with a content
// hash in the URL so browsers may cache them for a year.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

function hashed(name: string): string {
  const digest = createHash('sha256')
    .update(readFileSync(`${publicDir}${name}`))
    .digest('hex')
    .slice(0, 12);
  return `/assets/${name}?v=${digest}`;
}

export interface AssetUrls {
  css: string;
  js: string;
}

/** officer.css (the count's tables), also on the public results page. */
export function officerStylesheetUrl(): string {
  return hashed('officer.css');
}

export function assetUrls(): AssetUrls {
  return { css: hashed('app.css'), js: hashed('scrutin.js') };
}
