// `scrutin key`: prints a fresh random APP_KEY.
import { randomBytes } from 'node:crypto';
import type { Command } from './types.js';

export function freshKey(): string {
  return randomBytes(32).toString('base64url');
}

export const command: Command = {
  name: 'key',
  summary: 'Print a fresh random APP_KEY',
  usage: [
    'Usage: scrutin key',
    '',
    'Prints 32 random bytes, base64url-encoded, suitable for APP_KEY.',
    'Leave APP_KEY blank instead to let Scrutin generate one and keep it in the database,',
    'shared by every replica.',
  ].join('\n'),
  run: (_args, io) => {
    io.out(freshKey());
    return Promise.resolve(0);
  },
};
