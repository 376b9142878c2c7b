// What a person is told about a refusal, as the HTTP edge words it (src/http/answers.ts):
// tests of the use-cases check the reason code they return and, through this, the
// status and the words a voter ends up reading.
import type { Refusal } from '../../src/app/refusals.js';
import { answerTo, type Answer } from '../../src/http/answers.js';

export function told<R extends Refusal>(refusal: R): R & Answer {
  return { ...refusal, ...answerTo(refusal) };
}

/** The refusal of an outcome that should have been one (fails the test otherwise), with its answer. */
export function refusalOf<O extends { ok: boolean }>(outcome: O): Exclude<O, { ok: true }> & Answer {
  if (outcome.ok) throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  return told(outcome as unknown as Refusal) as unknown as Exclude<O, { ok: true }> & Answer;
}
