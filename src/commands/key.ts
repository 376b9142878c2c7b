import type { Command } from './types.js';
import { UserError } from './types.js';

export const command: Command = {
  name: 'key',
  summary: '(not available yet)',
  usage: 'scrutin key: not available in this build yet.',
  run: () => Promise.reject(new UserError('this command is not available in this build yet')),
};
