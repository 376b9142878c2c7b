// Placeholder: this command is delivered by its own issue. It is registered now so
// the CLI's list of commands is stable and each command owns one file.
import type { Command } from './types.js';
import { UserError } from './types.js';

export const command: Command = {
  name: 'backup',
  summary: '(not available yet)',
  usage: 'scrutin backup: not available in this build yet.',
  run: () => Promise.reject(new UserError('this command is not available in this build yet')),
};
