import { describe, expect, it } from 'vitest';
import { startOfZonedDay } from '$lib/time/zone';
import { dayFrame, hourIndex } from '$lib/queues/day';

const CHICAGO = 'America/Chicago';
const HOUR = 3_600_000;

/** The frame of the day containing `nowMs`, as the wall builds it. */
const dayFrameAt = (nowMs: number, timeZone: string) =>
	dayFrame(startOfZonedDay(nowMs, timeZone), timeZone);

describe('the day frame', () => {
	it('starts at local midnight of the tenant, not UTC', () => {
		// 03:00 UTC on March 10 is still March 9 in Chicago (CDT, UTC-5).
		const frame = dayFrameAt(Date.parse('2026-03-10T03:00:00Z'), CHICAGO);
		expect(new Date(frame.startMs).toISOString()).toBe('2026-03-09T05:00:00.000Z');
		expect(frame.hourLabels).toHaveLength(24);
		expect(frame.hourLabels[0]).toBe(0);
		expect(frame.hourLabels[23]).toBe(23);
	});

	it('has 23 buckets on the spring-forward day and never labels 2 a.m.', () => {
		const frame = dayFrameAt(Date.parse('2026-03-08T18:00:00Z'), CHICAGO);
		expect(frame.hourLabels).toHaveLength(23);
		expect(frame.hourLabels.slice(0, 4)).toEqual([0, 1, 3, 4]);
	});

	it('has 25 buckets on the fall-back day, with 1 a.m. twice', () => {
		const frame = dayFrameAt(Date.parse('2026-11-01T18:00:00Z'), CHICAGO);
		expect(frame.hourLabels).toHaveLength(25);
		expect(frame.hourLabels.slice(0, 4)).toEqual([0, 1, 1, 2]);
	});
});

describe('hourIndex', () => {
	const frame = dayFrame(Date.parse('2026-03-10T05:00:00Z'), CHICAGO);

	it('counts real hours from the start of the day', () => {
		expect(hourIndex(frame.startMs, frame)).toBe(0);
		expect(hourIndex(frame.startMs + HOUR - 1, frame)).toBe(0);
		expect(hourIndex(frame.startMs + 13.5 * HOUR, frame)).toBe(13);
	});

	it('is -1 outside the day', () => {
		expect(hourIndex(frame.startMs - 1, frame)).toBe(-1);
		expect(hourIndex(frame.endMs, frame)).toBe(-1);
	});
});
