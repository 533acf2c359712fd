import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestPbx } from '../support/pbx';
import { parseExposition, valueOf } from '../support/metrics';
import { Stack, waitFor } from '../support/stack';

/**
 * The binlog lag gauge, read from a real scrape: 0 while the stream keeps up (an idle server
 * included), rising while the tailer is paused and the PBX keeps writing, back to 0 once it
 * resumes and catches up.
 */

let stack: Stack;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	await stack.start();
});

afterAll(async () => {
	await stack?.destroy();
});

async function scrape() {
	const { body } = await stack.app.metrics.scrape();
	const metrics = parseExposition(body);
	return {
		lag: valueOf(metrics, 'il_binlog_lag_seconds'),
		bytes: valueOf(metrics, 'il_binlog_lag_bytes'),
		streaming: valueOf(metrics, 'il_binlog_tailer_state', { state: 'streaming' })
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('binlog lag', () => {
	it('rises while the tailer is paused and falls back once it resumes', async () => {
		const tenant = stack.lookups.tenants[0];
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		// Idle and caught up: no lag, however long ago the last commit was.
		await waitFor(
			async () => {
				const { lag, bytes } = await scrape();
				return lag === 0 && bytes === 0;
			},
			10_000,
			'no lag at rest'
		);

		await stack.app.live.stopTailing();
		let id = 9_100_000;
		let writing = true;
		const writer = (async () => {
			while (writing) {
				await pbx.insertNew({ id: id++, tenantId: tenant.id, queueId: tenant.queues[0].id });
				await sleep(100);
			}
		})();
		try {
			await sleep(1_500);
			const early = await scrape();
			await sleep(2_000);
			const later = await scrape();
			expect(early.streaming).toBe(0);
			expect(early.lag).toBeGreaterThan(0.3);
			expect(later.lag).toBeGreaterThan(early.lag + 1);
			expect(later.bytes).toBeGreaterThan(early.bytes);
		} finally {
			writing = false;
			await writer;
		}

		stack.app.live.startTailing();
		await waitFor(async () => (await scrape()).lag < 0.5, 15_000, 'the lag to fall');
		const after = await scrape();
		expect(after.streaming).toBe(1);
		expect(after.bytes).toBe(0);
		// Everything written while paused reached the live state.
		await waitFor(
			() => stack.app.live.state.get(tenant.id, String(id - 1)) !== undefined,
			5_000,
			'the last insert'
		);
	});
});
