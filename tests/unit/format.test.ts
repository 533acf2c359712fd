import { describe, expect, it } from 'vitest';
import { formatCount } from '$lib/format';

// The live count, the history total, the export notice and the wall's tiles all go through it.
describe('formatCount', () => {
	it('groups thousands with a comma, whatever the browser locale', () => {
		expect(formatCount(0)).toBe('0');
		expect(formatCount(999)).toBe('999');
		expect(formatCount(2053)).toBe('2,053');
		expect(formatCount(6666)).toBe('6,666');
		expect(formatCount(1_234_567)).toBe('1,234,567');
	});
});
