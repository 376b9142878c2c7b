// An optional check of candidate bios for CI, like the Kubernetes bio checker: a word
// limit and headings every bio must contain. Nothing here is on by default; a
// community chooses its rules with `scrutin validate --max-words --required-sections`.
import type { Candidate, Problem } from './types.js';

export interface BioRules {
  /** Most words a bio may have (HTML comments, such as template instructions, do not count). */
  maxWords?: number;
  /** Lines every bio must contain, e.g. `## SIGS`; compared ignoring case and extra spaces. */
  requiredSections?: readonly string[];
}

function squash(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Counts words the way `wc -w` does, after removing HTML comments. */
export function countWords(markdown: string): number {
  const text = markdown.replace(/<!--[\s\S]*?-->/g, ' ');
  return text.split(/\s+/).filter((w) => w !== '').length;
}

/** Problems (errors: the community asked for these rules) with one candidate's bio. */
export function checkBio(candidate: Pick<Candidate, 'file' | 'bioMarkdown'>, rules: BioRules): Problem[] {
  const problems: Problem[] = [];
  if (rules.maxWords !== undefined) {
    const words = countWords(candidate.bioMarkdown);
    if (words > rules.maxWords) {
      problems.push({ file: candidate.file, message: `the bio has ${words} words; the limit is ${rules.maxWords}`, severity: 'error' });
    }
  }
  if (rules.requiredSections !== undefined && rules.requiredSections.length > 0) {
    const lines = new Set(candidate.bioMarkdown.split('\n').map(squash));
    for (const section of rules.requiredSections) {
      if (squash(section) === '') continue;
      if (!lines.has(squash(section))) {
        problems.push({ file: candidate.file, message: `the bio has no "${section.trim()}" section`, severity: 'error' });
      }
    }
  }
  return problems;
}
