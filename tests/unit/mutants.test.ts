import { describe, expect, it } from 'vitest';
import { MUTANTS, mutantProblems } from '../../scripts/lib/mutants';

/**
 * `npm run mutate` refuses to start when a mutant no longer matches its line; npm test does not
 * run it, so a refactor that moves an enforcement line would leave its mutant stale unnoticed
 * (one did: the replay route's view of the rows, renamed with the day cache). Checked here.
 */
describe('scripts/lib/mutants.ts', () => {
	it('each mutant finds its line exactly once, in a file that exists, with tests that exist', () => {
		expect(mutantProblems(MUTANTS)).toEqual([]);
	});
});
