import { describe, expect, it } from 'vitest';
import { safeNext } from '$lib/server/http/next';
import { NEXT_CASES } from '../support/next-payloads';

describe('safeNext: where a sign-in leads', () => {
	it.each(NEXT_CASES)('%j leads to %j', (next, landing) => {
		expect(safeNext(next)).toBe(landing);
	});

	it('no next at all leads to the interactions screen', () => {
		expect(safeNext(null)).toBe('/interactions');
	});

	it('whatever it answers resolves to this site', () => {
		const site = 'https://live.example.com';
		for (const [next] of NEXT_CASES) {
			expect(new URL(safeNext(next), site).origin, next).toBe(site);
		}
	});
});
