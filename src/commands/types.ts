// The contract every `scrutin <command>` module fulfils. Commands receive their own
// arguments (after the command name) and an output sink, and return an exit code;
// they never call process.exit, so they can be tested in-process.

export interface CommandIO {
  /** Normal output (stdout). */
  out: (text: string) => void;
  /** Diagnostics (stderr). */
  err: (text: string) => void;
  /** Process environment to read configuration from. */
  env: NodeJS.ProcessEnv;
  /** Working directory used to resolve relative paths and `.env`. */
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `scrutin --help`. */
  summary: string;
  /** Full help text for `scrutin <command> --help`. */
  usage: string;
  run: (args: string[], io: CommandIO) => Promise<number>;
}

/** An error a user can fix: printed as one line, no stack trace, exit code 1 (or `exitCode`). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
