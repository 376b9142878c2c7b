// System tools some tests need and CI installs (.ci/run): Chromium, PyNaCl, nginx and
// openssl. Elsewhere a test that needs a missing one is skipped, saying why. With
// REQUIRE_TOOLS=1 (CI) a missing tool fails the test file instead, as a missing
// database does with REQUIRE_DB_DIALECTS=1: a CI image that lost a tool cannot pass
// by skipping the tests that need it.

/** The skip option for a test needing a tool: false when available, else the reason (or a failure under REQUIRE_TOOLS=1). */
export function needTool(missing: string | false | null): string | false {
  if (missing === false || missing === null) return false;
  if (process.env.REQUIRE_TOOLS === '1') throw new Error(`REQUIRE_TOOLS=1 but ${missing}`);
  return missing;
}
