import { expect, type Page } from '@playwright/test';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { formatSeconds } from '../../src/lib/live/durations';
import { startOfNextZonedDay } from '../../src/lib/time/zone';
import type { Stack } from './stack';

export interface TileReading {
	queue: number;
	waiting: number;
	active: number;
	acw: number;
	closed: number;
	answered: number;
	abandoned: number;
	avgWait: string;
	avgHandle: string;
}

/** What every tile on screen says. */
export function readBoard(page: Page): Promise<TileReading[]> {
	return page.locator('section.tile').evaluateAll((tiles) =>
		tiles.map((tile) => {
			const text = (id: string) => tile.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
			const count = (id: string) => Number(text(id).replace(/,/g, ''));
			const chart = tile.querySelector('figure') as HTMLElement;
			return {
				queue: Number((tile as HTMLElement).dataset.queue),
				waiting: count('count-new'),
				active: count('count-active'),
				acw: count('count-acw'),
				closed: count('count-closed'),
				answered: Number(chart.dataset.answered),
				abandoned: Number(chart.dataset.abandoned),
				avgWait: text('avg-wait').trim(),
				avgHandle: text('avg-handle').trim()
			};
		})
	);
}

/** What the tiles must say, computed by SQL from the PBX tables with the wall's definitions. */
export async function boardFromDb(stack: Stack, tenant: DemoTenant, dayStartMs: number) {
	const day = [
		msToSqlTime(dayStartMs),
		msToSqlTime(startOfNextZonedDay(dayStartMs, tenant.timezone))
	];
	const today = 'created_at >= ? AND created_at < ?';
	const answered = "answered_at IS NOT NULL AND direction = 'inbound'";
	const open = await stack.pbxRows<Record<string, string>>(
		`SELECT queue_id, SUM(status = 'new') AS waiting, SUM(status = 'active') AS active,
		        SUM(status = 'acw') AS acw, SUM(${answered} AND ${today}) AS answered,
		        SUM(IF(${answered} AND ${today}, TIMESTAMPDIFF(SECOND, created_at, answered_at), 0)) AS wait
		   FROM active_interactions WHERE tenant_id = ? GROUP BY queue_id`,
		[...day, ...day, tenant.id]
	);
	const closed = await stack.pbxRows<Record<string, string>>(
		`SELECT queue_id, COUNT(*) AS closed, SUM(${answered}) AS answered,
		        SUM(answered_at IS NULL AND direction = 'inbound') AS abandoned,
		        SUM(IF(${answered}, wait_seconds, 0)) AS wait, SUM(answered_at IS NOT NULL) AS handled,
		        SUM(IF(answered_at IS NOT NULL, talk_seconds + acw_seconds, 0)) AS handle
		   FROM closed_interactions WHERE tenant_id = ? AND ${today} GROUP BY queue_id`,
		[tenant.id, ...day]
	);
	const of = (rows: Record<string, string>[], queue: number, key: string) =>
		Number(rows.find((r) => Number(r.queue_id) === queue)?.[key] ?? 0);
	const avg = (sum: number, n: number) => (n === 0 ? '—' : formatSeconds(Math.round(sum / n)));
	return (queue: number): TileReading => {
		const answeredCount = of(open, queue, 'answered') + of(closed, queue, 'answered');
		return {
			queue,
			waiting: of(open, queue, 'waiting'),
			active: of(open, queue, 'active'),
			acw: of(open, queue, 'acw'),
			closed: of(closed, queue, 'closed'),
			answered: answeredCount,
			abandoned: of(closed, queue, 'abandoned'),
			avgWait: avg(of(open, queue, 'wait') + of(closed, queue, 'wait'), answeredCount),
			avgHandle: avg(of(closed, queue, 'handle'), of(closed, queue, 'handled'))
		};
	};
}

/** Waits until every tile equals the database (the board has caught up with the PBX). */
export async function expectBoardEqualsDb(
	page: Page,
	stack: Stack,
	tenant: DemoTenant,
	dayStartMs: number,
	timeout = 20_000
): Promise<void> {
	await expect(page.locator('section.tile')).toHaveCount(tenant.queues.length);
	await expect
		.poll(
			async () => {
				const expected = await boardFromDb(stack, tenant, dayStartMs);
				const board = await readBoard(page);
				return board.flatMap((tile) => {
					const db = expected(tile.queue);
					return JSON.stringify(tile) === JSON.stringify(db) ? [] : [{ board: tile, db }];
				});
			},
			{ timeout, intervals: [250, 500, 1000] }
		)
		.toEqual([]);
}
