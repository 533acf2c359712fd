import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, matchesFilters, parseViewParams, viewSearchParams } from '$lib/filters';
import type { Interaction } from '$lib/interaction';

const row = (status: Interaction['status']) => ({ status }) as Interaction;

describe('the status filter', () => {
	it('reads a known status from the URL and writes it back', () => {
		const { filters, errors } = parseViewParams(new URLSearchParams('status=acw'));
		expect(errors).toEqual({});
		expect(filters.status).toBe('acw');
		expect(viewSearchParams(filters).get('status')).toBe('acw');
		expect(viewSearchParams(DEFAULT_FILTERS).has('status')).toBe(false);
	});

	it('refuses an unknown status with a message for the field', () => {
		const { filters, errors } = parseViewParams(new URLSearchParams('status=Active'));
		expect(errors.status).toBe('Choose New, Active, ACW or Closed');
		expect(filters.status).toBeNull();
	});

	it('keeps only rows of that status', () => {
		const filters = { ...DEFAULT_FILTERS, status: 'new' as const };
		expect(matchesFilters(row('new'), filters)).toBe(true);
		expect(matchesFilters(row('active'), filters)).toBe(false);
		expect(matchesFilters(row('closed'), DEFAULT_FILTERS)).toBe(true);
	});
});
