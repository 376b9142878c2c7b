// One wording for the file errors a user can fix, shared by the commands that read
// files named on the command line (kept apart from common.ts, which loads the database).
import { UserError } from './types.js';

/** The UserError for a file-system error on `label`, or null when it is not one a user can fix. */
export function fileError(label: string, error: unknown, kind = 'a file'): UserError | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new UserError(`${label}: no such file`);
  if (code === 'EISDIR') return new UserError(`${label}: is a folder, not ${kind}`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${label}: permission denied`);
  return null;
}
