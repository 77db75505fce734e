/**
 * Figures and progress that tests gather for people (timings, fault tallies, harness set-up): written
 * only with PDD_TEST_VERBOSE=1, so a passing `npm test` stays quiet. Failures speak through their
 * assertion messages instead.
 */
export function note(text: string): void {
  if (process.env.PDD_TEST_VERBOSE === "1") process.stderr.write(`${text}\n`);
}
