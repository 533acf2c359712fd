import type { Pool } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/lib/server/changelog/types';
import { ReplayDayCache, type DayKey } from '../../src/lib/server/replay/cache';
import { interaction, upsert } from './fixtures';

/**
 * ReplayDayCache's bookkeeping against a pool whose transcription count the test answers by
 * hand, so that a change can arrive while a lookup waits for it (as the binlog's does in a busy
 * server: the integration test saw a replay stay stale for 30 s in CI).
 */

const DAY_START = Date.parse('2026-03-09T06:00:00.000Z');
const DAY_END = DAY_START + 24 * 3_600_000;
const NOW = DAY_END + 3_600_000;

const key: DayKey = {
	scope: { tenantId: 1, queues: 'all' },
	view: 'full',
	date: '2026-03-09',
	startMs: DAY_START,
	endMs: DAY_END
};

/** A pool whose every query waits until the test calls `answer`. */
function manualPool() {
	const waiting: Array<() => void> = [];
	const pool = {
		query: () =>
			new Promise((resolve) => waiting.push(() => resolve([[{ n: 0, newest: null }], []])))
	} as unknown as Pool;
	return {
		pool,
		waiting: () => waiting.length,
		answer: () => waiting.splice(0).forEach((resolve) => resolve())
	};
}

async function settle(): Promise<void> {
	for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A change of the day's tenant to a row created during the day (it touches the cached day). */
function touchingChange(): LogEntry {
	const row = interaction({
		id: '7',
		createdAt: new Date(DAY_START + 23 * 3_600_000).toISOString()
	});
	return { changes: [upsert(row)], lookups: [], access: [] };
}

/** A cache over a hand-answered pool, holding the day of `key`. */
async function cacheHoldingTheDay() {
	const db = manualPool();
	const cache = new ReplayDayCache(() => 'e1', db.pool, 'pbxlogs');
	const stamp = cache.stamp(1);
	const put = cache.put(key, stamp, { rowsJson: '"count":1', loadedAtMs: NOW }, ['7'], NOW);
	await settle();
	db.answer();
	expect(await put).not.toBeNull();
	return { db, cache };
}

describe('ReplayDayCache', () => {
	it('serves a kept day until a change touches it', async () => {
		const { db, cache } = await cacheHoldingTheDay();
		const hit = cache.get(key, NOW);
		await settle();
		db.answer();
		expect(await hit).not.toBeNull();
		cache.onEntry(touchingChange());
		expect(await cache.get(key, NOW)).toBeNull();
	});

	it('does not bring back a day that a change dropped while its lookup waited', async () => {
		const { db, cache } = await cacheHoldingTheDay();
		const lookup = cache.get(key, NOW);
		await settle();
		expect(db.waiting()).toBe(1);
		// The binlog's change arrives while the lookup counts the day's transcriptions.
		cache.onEntry(touchingChange());
		db.answer();
		expect(await lookup).toBeNull();
		expect(cache.size).toBe(0);
		// And it stays dropped: the next request reads the day again.
		expect(await cache.get(key, NOW)).toBeNull();
	});

	it('keeps no read that a change overlapped', async () => {
		const db = manualPool();
		const cache = new ReplayDayCache(() => 'e1', db.pool, 'pbxlogs');
		const stamp = cache.stamp(1);
		cache.onEntry(touchingChange());
		const put = cache.put(key, stamp, { rowsJson: '"count":1', loadedAtMs: NOW }, ['7'], NOW);
		await settle();
		db.answer();
		expect(await put).toBeNull();
		expect(cache.size).toBe(0);
	});
});
