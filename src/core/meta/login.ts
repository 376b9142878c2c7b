// GitHub login syntax. GitHub's current rule is letters, digits and single inner
// hyphens, at most 39 characters; some old accounts have doubled or trailing hyphens,
// so only the looser shape below is required (an eligible voter must never be
// rejected for an account GitHub itself accepts).
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

/** Why `text` is not a GitHub login, or null when it is one. */
export function loginProblem(text: string): string | null {
  if (text === '') return 'an empty entry is not a GitHub login';
  if (LOGIN.test(text)) return null;
  if (text.startsWith('@') && LOGIN.test(text.slice(1))) return `"${text}" is not a GitHub login: write it without the @`;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) return `"${text}" is an e-mail address, not a GitHub login`;
  if (text.length > 39) return `"${text.slice(0, 50)}" is not a GitHub login (at most 39 characters)`;
  if (/\s/.test(text)) return `"${text}" is not a GitHub login (logins have no spaces)`;
  return `"${text}" is not a GitHub login (letters, digits and hyphens only, not starting with a hyphen)`;
}
