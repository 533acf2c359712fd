import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { exportCsv } from '../../src/lib/server/export';
import { EXPORT_BATCH } from '../../src/lib/server/export/batches';
import { SLICE_ROWS } from '../../src/lib/server/export/slices';
import { historyRequestOrThrow } from '../../src/lib/server/history/request';
import type { Viewer } from '../../src/lib/server/scope';
import { newRow, TestPbx } from '../support/pbx';
import { Stack, waitFor } from '../support/stack';

/**
 * Issue 21, item 3: an export shares the event loop with everything else on the node. The app
 * runs in-process and a setImmediate ticker counts turns of the loop while the export's stream
 * is read: between two turns it hands over at most two slices (one read off the socket in the
 * poll phase, one resumed in the check phase), where a whole batch of 5,000 rows used to come
 * in one synchronous piece. Structural, not timed: it holds on a slow machine as on a fast one.
 */

let stack: Stack;
let pbx: TestPbx;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
const HISTORY_ROWS = 20_000;
/** More than a batch: the first batch is read before the stream is handed over. */
const LIVE_ROWS = EXPORT_BATCH + 3000;

const adminOf = (tenant: DemoTenant): Viewer => ({
	kind: 'user',
	userId: 1,
	sessionId: 'export-turns',
	sessionExpiresAt: Date.now() + 3_600_000,
	username: `admin.${tenant.id}`,
	displayName: 'Admin',
	role: 'cc_admin',
	tenantId: tenant.id,
	queueIds: [],
	permissions: ['interactions']
});

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	const [q] = tenantA.queues;
	const [agent] = tenantA.agents;
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   phone_number, did, created_at, answered_at, closed_at, wait_seconds, talk_seconds, acw_seconds)
		 SELECT 60000000 + seq, CONCAT('turns-', seq), ?, ?, 'voice', ?, CONCAT('+1555', LPAD(seq, 7, '0')),
		        ?, TIMESTAMP('2024-06-10') + INTERVAL seq * 30 SECOND,
		        TIMESTAMP('2024-06-10') + INTERVAL seq * 30 + 5 SECOND,
		        TIMESTAMP('2024-06-10') + INTERVAL seq * 30 + 25 SECOND, 5, 20, 0
		   FROM seq_1_to_${HISTORY_ROWS}`,
		[tenantA.id, q.id, agent.id, q.did]
	);
	await stack.start();
	const live = Array.from({ length: LIVE_ROWS }, (_, i) =>
		newRow({ id: 61_000_000 + i, tenantId: tenantB.id, queueId: tenantB.queues[i % 2].id })
	);
	await pbx.insertActive(live);
	await waitFor(
		() => stack.app.live.state.rows(tenantB.id).length >= LIVE_ROWS,
		30_000,
		'the in-progress rows in the live state'
	);
}, 120_000);

afterAll(async () => {
	await stack?.destroy();
});

const newlines = (bytes: Uint8Array) => {
	let n = 0;
	for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
	return n;
};

/** Reads the export to its end; the most rows it handed over between two turns of the loop. */
async function rowsBetweenTurns(viewer: Viewer, query: string) {
	const app = stack.app;
	const request = historyRequestOrThrow(app, viewer, new URL(`http://test/export?${query}`));
	const reader = (await exportCsv(app, request, viewer)).getReader();
	// The header and the first batch, read before the stream was handed over.
	const first = await reader.read();
	let rows = newlines(first.value!) - 1;
	let since = 0;
	let most = 0;
	let turns = 0;
	let reading = true;
	const tick = () => {
		turns++;
		most = Math.max(most, since);
		since = 0;
		if (reading) setImmediate(tick);
	};
	setImmediate(tick);
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		const n = newlines(value);
		rows += n;
		since += n;
	}
	reading = false;
	most = Math.max(most, since);
	console.log(`export (${query}): ${rows} rows, ${turns} turns, at most ${most} rows between two`);
	return { rows, turns, most };
}

describe('an export shares the event loop', () => {
	it('hands over at most two slices of history rows between turns of the loop', async () => {
		const view = 'range=custom&from=2024-06-01&to=2024-06-30';
		const { rows, turns, most } = await rowsBetweenTurns(adminOf(tenantA), view);
		expect(rows).toBe(HISTORY_ROWS);
		expect(turns).toBeGreaterThan(0);
		expect(most).toBeLessThanOrEqual(2 * SLICE_ROWS);
	});

	it("hands over at most two slices of today's live rows between turns of the loop", async () => {
		const { rows, most } = await rowsBetweenTurns(adminOf(tenantB), 'range=today');
		expect(rows).toBe(LIVE_ROWS);
		expect(most).toBeLessThanOrEqual(2 * SLICE_ROWS);
	});
});
