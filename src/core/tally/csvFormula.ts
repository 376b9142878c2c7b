// Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with
// `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
// Google Sheets as a formula, so a candidate file named `candidate-=HYPERLINK(…).md`
// would put a live link (or worse) in the officers' spreadsheet. Every CSV Scrutin
// writes prefixes such a cell with an apostrophe, which spreadsheets show as text.
//
// The prefix must also come off again, since `scrutin tally` reads the download back:
// one apostrophe is removed from a cell made of apostrophes and then one of those
// characters, and one is added to every such cell on writing, so a name that really
// starts with `'=` survives the round trip. (An Elekto download holding such a name,
// unprefixed, would lose one apostrophe: no real candidate ID looks like that.)

/** Apostrophes, then a character that starts a formula. */
const FORMULA = /^'*[=+\-@\t\r]/;

/** The cell as it is written: prefixed with an apostrophe if a spreadsheet would run it. */
export function neutraliseFormula(text: string): string {
  return FORMULA.test(text) ? `'${text}` : text;
}

/** Undoes neutraliseFormula on a cell read back. */
export function restoreFormula(text: string): string {
  return text.startsWith("'") && FORMULA.test(text) ? text.slice(1) : text;
}
