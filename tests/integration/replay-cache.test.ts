import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Interaction } from '../../src/lib/interaction';
import { decodeDay, type ReplayDayWire } from '../../src/lib/replay/wire';
import { addDays, formatZonedDate, zonedDateOf, zonedMidnight } from '../../src/lib/time/zone';
import { TestPbx } from '../support/pbx';

import { Stack, waitFor } from '../support/stack';

/**
 * `/api/replay` keeps the encoded rows of a day that is over (ReplayDayCache): a later write to
 * that day — a transcription written after midnight, a row in progress across midnight that
 * closes — must show in the next answer, as it did before the cache.
 */

let stack: Stack;
let pbx: TestPbx;
let a: DemoTenant;
let cookie = '';
let yesterday = '';
/** Closed at noon yesterday; in progress since 23:00 yesterday (still, until the test closes it). */
const CLOSED_ID = 96_001;
const ACROSS_MIDNIGHT_ID = 96_002;

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
	[a] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	const dayBefore = addDays(zonedDateOf(Date.now(), a.timezone), -1);
	yesterday = formatZonedDate(dayBefore);
	const start = zonedMidnight(dayBefore, a.timezone);
	const noon = start + 12 * 3_600_000;
	await pbx.insertClosed([
		{
			id: CLOSED_ID,
			uniqueid: `rc-${CLOSED_ID}`,
			tenantId: a.id,
			queueId: a.queues[0].id,
			channel: 'voice',
			phoneNumber: '+15550142',
			did: '+15550999',
			createdMs: noon,
			answeredMs: noon + 1000,
			acwMs: noon + 2000,
			closedMs: noon + 3000
		}
	]);
	await pbx.insertNew({
		id: ACROSS_MIDNIGHT_ID,
		tenantId: a.id,
		queueId: a.queues[0].id,
		createdAt: new Date(start + 23 * 3_600_000)
	});
	await stack.createUser({ username: 'rc.admin', role: 'cc_admin', tenantId: a.id });
	await stack.startServer();
	cookie = await stack.signIn('rc.admin');
});

afterAll(async () => {
	await stack?.destroy();
});

const answers: string[] = [];

async function rowsOfYesterday(): Promise<Map<string, Interaction>> {
	const response = await stack.get(`/api/replay?date=${yesterday}`, cookie);
	expect(response.status).toBe(200);
	answers.push(response.headers.get('x-replay-day') ?? '');
	const { rows } = decodeDay((await response.json()) as ReplayDayWire);
	return new Map(rows.map((row) => [row.id, row]));
}

describe('a cached day that is over follows later writes to it', () => {
	it('a transcription written after the day shows at the next request', async () => {
		for (let i = 0; i < 2; i++) {
			const rows = await rowsOfYesterday();
			expect(rows.get(String(CLOSED_ID))?.hasTranscription).toBe(false);
		}
		// The second answer was the cached day: what follows tests its invalidation.
		expect(answers).toEqual(['read', 'cached']);
		await pbx.insertTranscription(CLOSED_ID, [{ speaker: 'agent', start: 0, end: 1, text: 'Hello' }]); // prettier-ignore
		const rows = await rowsOfYesterday();
		expect(rows.get(String(CLOSED_ID))?.hasTranscription).toBe(true);
	});

	it('a row in progress across midnight that closes now shows closed', async () => {
		for (let i = 0; i < 2; i++) {
			const rows = await rowsOfYesterday();
			expect(rows.get(String(ACROSS_MIDNIGHT_ID))?.closedAt).toBeNull();
		}
		expect(answers.slice(-1)).toEqual(['cached']);
		await pbx.close(ACROSS_MIDNIGHT_ID);
		// The change reaches the server through the binlog, which drops the cached day.
		await waitFor(
			async () => (await rowsOfYesterday()).get(String(ACROSS_MIDNIGHT_ID))?.closedAt != null,
			30_000,
			`the closed row in yesterday’s replay (answers: ${answers.join(', ')})`
		);
	});
});
