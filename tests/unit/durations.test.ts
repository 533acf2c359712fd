import { describe, it, expect } from 'vitest';
import { acwSeconds, formatSeconds, talkSeconds, waitSeconds } from '$lib/live/durations';
import { secondsSince } from '$lib/wall/live-list';
import { interaction } from './fixtures';

const CREATED = '2026-03-10T10:00:00.000Z';
const ANSWERED = '2026-03-10T10:00:30.000Z';
const ACW = '2026-03-10T10:05:30.000Z';
const at = (seconds: number) => Date.parse(CREATED) + seconds * 1000;

const fresh = interaction({ status: 'new', createdAt: CREATED });
const talking = interaction({ status: 'active', createdAt: CREATED, answeredAt: ANSWERED });
const wrapping = interaction({
	status: 'acw',
	createdAt: CREATED,
	answeredAt: ANSWERED,
	acwStartedAt: ACW
});
const closed = interaction({
	status: 'closed',
	createdAt: CREATED,
	answeredAt: ANSWERED,
	acwStartedAt: ACW,
	closedAt: '2026-03-10T10:06:00.000Z',
	waitSeconds: 31,
	talkSeconds: 299,
	acwSeconds: 29
});

describe('talkSeconds', () => {
	it('is null before an answer', () => {
		expect(talkSeconds(fresh, at(100))).toBeNull();
	});

	it('ticks while active, in whole seconds', () => {
		expect(talkSeconds(talking, at(30))).toBe(0);
		expect(talkSeconds(talking, at(90.999))).toBe(60);
	});

	it('stops when ACW starts', () => {
		expect(talkSeconds(wrapping, at(330))).toBe(300);
		expect(talkSeconds(wrapping, at(10_000))).toBe(300);
	});

	it('is the PBX’s figure once closed, null included', () => {
		expect(talkSeconds(closed, at(10_000))).toBe(299);
		expect(talkSeconds({ ...closed, talkSeconds: null }, at(10_000))).toBeNull();
	});

	it('never goes negative when the browser clock is behind', () => {
		expect(talkSeconds(talking, at(0))).toBe(0);
	});
});

describe('acwSeconds', () => {
	it('is null until ACW starts', () => {
		expect(acwSeconds(fresh, at(100))).toBeNull();
		expect(acwSeconds(talking, at(100))).toBeNull();
		expect(acwSeconds({ ...wrapping, acwStartedAt: null }, at(400))).toBeNull();
	});

	it('ticks during ACW', () => {
		expect(acwSeconds(wrapping, at(330))).toBe(0);
		expect(acwSeconds(wrapping, at(345.5))).toBe(15);
		expect(acwSeconds(wrapping, at(300))).toBe(0);
	});

	it('is fixed once closed', () => {
		expect(acwSeconds(closed, at(10_000))).toBe(29);
	});
});

describe('waitSeconds', () => {
	it('ticks while new', () => {
		expect(waitSeconds(fresh, at(0))).toBe(0);
		expect(waitSeconds(fresh, at(12.7))).toBe(12);
		expect(waitSeconds(fresh, at(-5))).toBe(0);
	});

	it('stops when an unanswered contact leaves (abandoned), without the PBX figure', () => {
		const abandoned = interaction({
			status: 'closed',
			createdAt: CREATED,
			closedAt: '2026-03-10T10:01:15.000Z',
			waitSeconds: null
		});
		expect(waitSeconds(abandoned, at(10_000))).toBe(75);
	});

	it('stops at the answer', () => {
		expect(waitSeconds(talking, at(1000))).toBe(30);
		expect(waitSeconds(wrapping, at(1000))).toBe(30);
	});

	it('is the PBX’s figure once closed, else computed from the timestamps', () => {
		expect(waitSeconds(closed, at(10_000))).toBe(31);
		expect(waitSeconds({ ...closed, waitSeconds: null }, at(10_000))).toBe(30);
	});
});

describe('secondsSince (time in the current status)', () => {
	it('counts from the moment the row entered its status', () => {
		expect(secondsSince(fresh, at(10))).toBe(10);
		expect(secondsSince(talking, at(90))).toBe(60);
		expect(secondsSince(wrapping, at(340))).toBe(10);
		expect(secondsSince(closed, at(370))).toBe(10);
		expect(secondsSince({ ...talking, answeredAt: null }, at(5))).toBe(5);
	});
});

describe('formatSeconds', () => {
	it.each([
		[null, ''],
		[0, '0:00'],
		[5, '0:05'],
		[59, '0:59'],
		[60, '1:00'],
		[599, '9:59'],
		[3599, '59:59'],
		[3600, '1:00:00'],
		[3661, '1:01:01'],
		[86_399, '23:59:59'],
		[90_000, '25:00:00']
	])('%j → %j', (seconds, text) => {
		expect(formatSeconds(seconds)).toBe(text);
	});
});
