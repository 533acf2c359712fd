import { describe, expect, it } from 'vitest';
import {
	DEFAULT_THRESHOLDS,
	levelOf,
	parseThresholds,
	rowLevel,
	thresholdsLookup
} from '$lib/queues/thresholds';

const t = DEFAULT_THRESHOLDS;

describe('levelOf', () => {
	it('changes colour strictly over each threshold', () => {
		expect(levelOf(60, 60, 120)).toBe('ok');
		expect(levelOf(61, 60, 120)).toBe('amber');
		expect(levelOf(120, 60, 120)).toBe('amber');
		expect(levelOf(121, 60, 120)).toBe('red');
	});

	it('is ok when there is nothing to measure', () => {
		expect(levelOf(null, 60, 120)).toBe('ok');
	});
});

describe('rowLevel', () => {
	it('measures each status against its own thresholds', () => {
		expect(rowLevel('new', 61, t)).toBe('amber');
		expect(rowLevel('active', 61, t)).toBe('ok');
		expect(rowLevel('active', t.talkRedSeconds + 1, t)).toBe('red');
		expect(rowLevel('acw', t.acwAmberSeconds + 1, t)).toBe('amber');
		expect(rowLevel('closed', 99_999, t)).toBe('ok');
	});
});

describe('parseThresholds', () => {
	const form = (overrides: Record<string, string> = {}) => ({
		...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)])),
		...overrides
	});

	it('accepts whole numbers typed into a form', () => {
		const result = parseThresholds(form({ waitAmberSeconds: ' 30 ' }));
		expect(result).toEqual({ ok: true, value: { ...t, waitAmberSeconds: 30 } });
	});

	it('names the field of every bad value', () => {
		const result = parseThresholds(
			form({ waitAmberSeconds: '', talkRedSeconds: '1.5', serviceLevelTargetPct: '101' })
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(Object.keys(result.errors).sort()).toEqual([
			'serviceLevelTargetPct',
			'talkRedSeconds',
			'waitAmberSeconds'
		]);
	});

	it('puts "red must be longer" on the red field', () => {
		const result = parseThresholds(form({ waitAmberSeconds: '120', waitRedSeconds: '120' }));
		expect(result).toEqual({
			ok: false,
			errors: { waitRedSeconds: 'Red must be longer than amber' }
		});
	});

	it('refuses zero, negative and absurd values', () => {
		for (const value of ['0', '-5', '86401', 'abc']) {
			const result = parseThresholds(form({ acwAmberSeconds: value }));
			expect(result.ok, value).toBe(false);
		}
	});
});

describe('thresholdsLookup', () => {
	it('gives each queue its own thresholds and every other queue the defaults', () => {
		const strict = { ...t, waitAmberSeconds: 30 };
		const of = thresholdsLookup([{ id: 4, thresholds: strict }]);
		expect(of(4)).toBe(strict);
		expect(of(5)).toBe(DEFAULT_THRESHOLDS);
		expect(of(null)).toBe(DEFAULT_THRESHOLDS);
	});
});
