// APP_KEY: when set, it is used as given; when blank (the brief's normal case),
// Scrutin generates a strong key once and keeps it in the database so every replica
// and every restart shares it (SPEC §8). Session cookies are keyed by a value
// derived from it, never by the key itself.
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Store } from '../storage/store.js';

export const APP_KEY_SETTING = 'app_key';

export async function resolveAppKey(
  configured: string | null,
  store: Store,
  now: Date,
): Promise<{ key: string; source: 'environment' | 'database' }> {
  if (configured !== null) return { key: configured, source: 'environment' };
  const key = await store.settings.getOrInit(APP_KEY_SETTING, randomBytes(32).toString('base64url'), now);
  return { key, source: 'database' };
}

/** 32 bytes for the session cookie cipher, bound to this purpose. */
export function sessionKeyFrom(appKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(appKey, 'utf8'), Buffer.from('scrutin'), Buffer.from('session-cookie-v1'), 32));
}
