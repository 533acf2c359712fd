import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { formatInZone } from '../../src/lib/format';
import { zonedTimestamps } from '../../src/lib/server/export/timestamps';
import { dashRows } from '../support/access';
import { parseExposition } from '../support/metrics';
import { TestPbx } from '../support/pbx';
import { Stack, waitFor } from '../support/stack';

/**
 * CSV export against the production server: the file equals the same view asked of SQL
 * directly (with range bounds worked out by hand in the tenant's zone), within scope, quoted
 * and defused, and streamed in flat memory.
 */

let stack: Stack;
let pbx: TestPbx;
let tenantA: DemoTenant; // America/Chicago: UTC-6 in January
let tenantB: DemoTenant;
let tenantC: DemoTenant; // Asia/Kolkata: the 200k bulk rows live here
const cookies: Record<'admin' | 'sup' | 'adminB' | 'adminC' | 'platform', string> = {
	admin: '',
	sup: '',
	adminB: '',
	adminC: '',
	platform: ''
};
const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;
const BULK = 200_000;
/** Short, so the stalled-export test waits seconds, not the default half minute. */
const STALL_SECONDS = 2;
const METRICS_TOKEN = 'export-test-scrape-token';
const utcMs = (sql: string) => Date.parse(sql.replace(' ', 'T') + 'Z');

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch !== '"') field += ch;
			else if (text[i + 1] === '"') field += text[++i];
			else quoted = false;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') [row, field] = [[...row, field], ''];
		else if (ch === '\r' && text[i + 1] === '\n') {
			rows.push([...row, field]);
			[row, field, i] = [[], '', i + 1];
		} else field += ch;
	}
	if (field || row.length > 0) rows.push([...row, field]);
	return rows;
}

async function exportOf(query: string, cookie: string) {
	const response = await stack.get(`/api/interactions/export?${query}`, cookie);
	const bytes = new Uint8Array(await response.arrayBuffer());
	const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
	if (!response.ok) return { response, bytes, text, records: [] };
	const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
	const records = rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
	return { response, bytes, text, records };
}

const idsOf = (records: Record<string, string>[]) => records.map((r) => r['Interaction ID']);

async function sqlIds(where: string, params: unknown[], orderBy = 'created_at DESC, id DESC') {
	const rows = await stack.pbxRows<{ id: string }>(
		`SELECT id FROM closed_interactions WHERE ${where} ORDER BY ${orderBy}`,
		params
	);
	return rows.map((row) => String(row.id));
}

const INSERT_CLOSED = `INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id,
	channel, agent_id, crm_contact_id, phone_number, did, disposition_id, created_at, closed_at,
	wait_seconds, talk_seconds, acw_seconds) VALUES ?`;

/** 3,000 closed rows over six weeks of 2025, round-robin over tenants, queues and channels. */
async function insertHistory(): Promise<void> {
	const tenants = [tenantA, tenantB, tenantC];
	const rows = Array.from({ length: 3000 }, (_, i) => {
		const t = tenants[i % 3];
		const created = utcMs('2025-01-01 00:00:00') + i * 1_187_003;
		const [wait, talk, acw] = [i % 60, (i * 37) % 600, (i * 13) % 120];
		return [
			1_000_000 + i,
			`u-${i}`,
			t.id,
			t.queues[Math.floor(i / 3) % t.queues.length].id,
			CHANNELS[Math.floor(i / 7) % 4],
			i % 11 === 0 ? null : t.agents[i % t.agents.length].id,
			i % 5 === 0 ? t.contacts[i % t.contacts.length].id : null,
			`+1555${String(i).padStart(7, '0')}`,
			t.queues[0].did,
			t.dispositions[i % t.dispositions.length].id,
			msToSqlTime(created),
			msToSqlTime(created + (wait + talk + acw) * 1000),
			wait,
			talk,
			acw
		];
	});
	// Either side of both edges of Chicago's 2025-01-10..20 (its midnight is 06:00 UTC then).
	const edges = ['2025-01-10 05:59:59.999', '2025-01-10 06:00:00', '2025-01-21 05:59:59.999'];
	edges.push('2025-01-21 06:00:00');
	const q = tenantA.queues[0];
	for (const [n, created] of edges.entries()) {
		const head = [900 + n, `e-${n}`, tenantA.id, q.id, 'voice', null, null, '+1', q.did, null];
		rows.push([...head, created, created, 0, 0, 0]);
	}
	await stack.pbx(INSERT_CLOSED, [rows]);
}

/** Contacts and rows that a spreadsheet would run as formulas, or split at a comma. */
async function insertTricky(): Promise<void> {
	const names = ['=HYPERLINK("x"),Bob', '@SUM(1)', 'Zoë "Z" Müller'];
	await stack.pbx('INSERT INTO crm_contacts (id, tenant_id, name, phone) VALUES ?', [
		names.map((name, n) => [9_000_001 + n, tenantA.id, name, null])
	]);
	const q = tenantA.queues[0];
	const row = (id: number, contact: number | null, phone: string, did: string) => {
		const created = `2025-01-15 12:00:0${id % 10}`;
		return [id, `t-${id}`, tenantA.id, q.id, 'voice', null, contact, phone, did, null, created];
	};
	const rows = [
		row(950, 9_000_001, '+4930123456', q.did),
		row(951, 9_000_002, '+4930123456', q.did),
		row(952, 9_000_003, '+4930123456', q.did),
		row(953, null, '-1+2', '+4930123456')
	];
	await stack.pbx(INSERT_CLOSED, [rows.map((r) => [...r, r[10], 0, 7, 0])]);
}

/** 200,000 rows in one statement, spread over March 2024 in Kolkata (+05:30). */
async function insertBulk(): Promise<void> {
	const [q0, q1] = tenantC.queues;
	const [a0, a1, a2] = tenantC.agents;
	const [c0, c1, c2, c3] = tenantC.contacts;
	const start = "TIMESTAMP('2024-02-29 18:30:00')";
	await stack.pbx(
		`INSERT INTO closed_interactions (id, uniqueid, tenant_id, queue_id, channel, agent_id,
		   crm_contact_id, phone_number, did, disposition_id, created_at, answered_at, closed_at,
		   wait_seconds, talk_seconds, acw_seconds)
		 SELECT 50000000 + seq, CONCAT('bulk-', seq), ?, ELT(1 + seq % 2, ?, ?),
		        ELT(1 + seq % 4, 'voice', 'chat', 'sms', 'whatsapp'), ELT(1 + seq % 3, ?, ?, ?),
		        IF(seq % 3 = 0, NULL, ELT(1 + seq % 4, ?, ?, ?, ?)), CONCAT('+9198', LPAD(seq, 8, '0')),
		        ?, ?, ${start} + INTERVAL seq * 12 SECOND, ${start} + INTERVAL seq * 12 + 5 SECOND,
		        ${start} + INTERVAL seq * 12 + 5 + seq % 50 SECOND, 5, seq % 50, 0
		   FROM seq_1_to_${BULK}`,
		[tenantC.id, q0.id, q1.id, a0.id, a1.id, a2.id, c0.id, c1.id, c2.id, c3.id, q0.did].concat([
			tenantC.dispositions[0].id
		])
	);
}

function rssBytes(): number {
	const status = readFileSync(`/proc/${stack.serverPid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** Exports the server has counted as stalled (cut for taking nothing). */
async function stalledExports(): Promise<number> {
	const response = await fetch(`${stack.url}/metrics`, {
		headers: { authorization: `Bearer ${METRICS_TOKEN}` }
	});
	return parseExposition(await response.text())
		.samples.filter((s) => s.name === 'il_export_seconds_count' && s.labels.outcome === 'stalled')
		.reduce((sum, s) => sum + s.value, 0);
}

/**
 * Whether the server's side of the connection from local port `clientPort` is still open, as
 * the kernel says (/proc/net/tcp, state 01): a paused client cannot see the server close it.
 */
function serverSideOpen(clientPort: number): boolean {
	const serverPort = Number(new URL(stack.url).port);
	const port = (address: string) => parseInt(address.split(':')[1], 16);
	return readFileSync('/proc/net/tcp', 'utf8')
		.split('\n')
		.slice(1)
		.map((line) => line.trim().split(/\s+/))
		.some(([, local, remote, state]) => {
			if (!local || !remote) return false;
			return port(local) === serverPort && port(remote) === clientPort && state === '01';
		});
}

/**
 * An export whose client reads the first chunk and then stops reading (its socket paused: the
 * server's writes stop once the socket buffers are full). `rest` reads on to wherever the
 * response ends; `complete` says whether the whole file came.
 */
function readOneChunkAndStop(query: string, cookie: string) {
	type Rest = () => Promise<{ complete: boolean }>;
	return new Promise<{ port: number; rest: Rest }>((resolve, reject) => {
		const url = `${stack.url}/api/interactions/export?${query}`;
		const request = http.get(url, { headers: { cookie } }, (response) => {
			if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
			response.once('data', () => {
				response.pause();
				const rest: Rest = () =>
					new Promise((done) => {
						response.on('data', () => {});
						response.on('error', () => {});
						response.on('close', () => done({ complete: response.complete }));
						response.resume();
					});
				resolve({ port: response.socket.localPort!, rest });
			});
		});
		request.on('error', reject);
	});
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[tenantA, tenantB, tenantC] = stack.lookups.tenants;
	pbx = new TestPbx(stack.admin, stack.pbxDb);
	// History is written before the server starts, so the binlog tailer has none of it to decode
	// while memory is measured.
	await insertHistory();
	await insertTricky();
	await insertBulk();
	const users = [
		['admin', 'cc_admin', tenantA.id, []],
		['sup', 'cc_supervisor', tenantA.id, [tenantA.queues[0].id, tenantA.queues[1].id]],
		['adminB', 'cc_admin', tenantB.id, []],
		['adminC', 'cc_admin', tenantC.id, []],
		['platform', 'platform_admin', null, []]
	] as const;
	for (const [username, role, tenantId, queueIds] of users) {
		await stack.createUser({ username, role, tenantId, queueIds: [...queueIds] });
	}
	await stack.startServer({
		env: { EXPORT_STALL_SECONDS: String(STALL_SECONDS), METRICS_TOKEN }
	});
	for (const [username] of users) cookies[username] = await stack.signIn(username);
}, 180_000);

afterAll(async () => {
	await stack?.destroy();
});

describe('CSV export', () => {
	it('equals the same view asked of SQL, with times in the tenant zone', async () => {
		const q = tenantA.queues[0];
		const view = `channel=voice&queue=${q.id}&range=custom&from=2025-01-10&to=2025-01-20`;
		const { response, records } = await exportOf(view, cookies.admin);
		expect(response.status).toBe(200);
		const where = `tenant_id = ? AND channel = 'voice' AND queue_id = ?
			AND created_at >= '2025-01-10 06:00:00' AND created_at < '2025-01-21 06:00:00'`;
		const expected = await sqlIds(where, [tenantA.id, q.id]);
		expect(expected.length).toBeGreaterThan(10);
		expect(idsOf(records)).toEqual(expected);
		expect(expected).toEqual(expect.arrayContaining(['901', '902']));
		expect(expected).not.toEqual(expect.arrayContaining(['900']));
		expect(expected).not.toEqual(expect.arrayContaining(['903']));

		const rows = await stack.pbxRows<Record<string, string | number | null>>(
			`SELECT id, created_at, closed_at, agent_id, wait_seconds, talk_seconds FROM closed_interactions
			  WHERE id IN (?)`,
			[expected]
		);
		const chicago = (sql: unknown) => msToSqlTime(utcMs(String(sql)) - 6 * 3_600_000).slice(0, 19);
		for (const row of rows) {
			const record = records.find((r) => r['Interaction ID'] === String(row.id))!;
			expect(record['Created (America/Chicago)']).toBe(chicago(row.created_at));
			expect(record['Closed (America/Chicago)']).toBe(chicago(row.closed_at));
			expect(record.Channel).toBe('Voice');
			expect(record.Queue).toBe(q.name);
			expect(record.Agent).toBe(tenantA.agents.find((a) => a.id === row.agent_id)?.name ?? '');
			expect(record['Wait (s)']).toBe(String(row.wait_seconds));
			expect(record['Duration (s)']).toBe(String(row.talk_seconds));
			expect(record.Status).toBe('Closed');
		}
		const first = records.find((r) => r['Interaction ID'] === '901');
		expect(first?.['Created (America/Chicago)']).toBe('2025-01-10 00:00:00');
	});

	it('pages by keyset across batches in the sort order of the view', async () => {
		const view = 'range=custom&from=2024-03-05&to=2024-03-06&sort=duration&dir=asc';
		const { records } = await exportOf(`${view}&queue=${tenantC.queues[1].id}`, cookies.adminC);
		const where = `tenant_id = ? AND queue_id = ?
			AND created_at >= '2024-03-04 18:30:00' AND created_at < '2024-03-06 18:30:00'`;
		const expected = await sqlIds(
			where,
			[tenantC.id, tenantC.queues[1].id],
			'talk_seconds ASC, id ASC'
		);
		// More than two batches of 5,000, with many ties on talk_seconds at every batch edge.
		expect(expected.length).toBeGreaterThan(7000);
		expect(idsOf(records)).toEqual(expected);
	});

	it('exports in a name order across batches, names read from their tables (issue 26, item 9)', async () => {
		const view = 'range=custom&from=2024-03-05&to=2024-03-06&sort=agent&dir=desc';
		const { records } = await exportOf(`${view}&queue=${tenantC.queues[1].id}`, cookies.adminC);
		const where = `tenant_id = ? AND queue_id = ?
			AND created_at >= '2024-03-04 18:30:00' AND created_at < '2024-03-06 18:30:00'`;
		const expected = await sqlIds(
			where,
			[tenantC.id, tenantC.queues[1].id],
			"IFNULL((SELECT name FROM agents a WHERE a.id = agent_id), '') DESC, id DESC"
		);
		expect(expected.length).toBeGreaterThan(7000);
		expect(idsOf(records)).toEqual(expected);
	});

	it("holds only a supervisor's queues", async () => {
		const view = 'range=custom&from=2025-01-01&to=2025-02-28';
		const { records } = await exportOf(view, cookies.sup);
		const [q0, q1] = tenantA.queues;
		const expected = await sqlIds('tenant_id = ? AND queue_id IN (?) AND created_at >= ?', [
			tenantA.id,
			[q0.id, q1.id],
			'2025-01-01 06:00:00'
		]);
		expect(new Set(idsOf(records))).toEqual(new Set(expected));
		expect(new Set(records.map((r) => r.Queue))).toEqual(new Set([q0.name, q1.name]));

		const other = await exportOf(`${view}&queue=${tenantA.queues[2].id}`, cookies.sup);
		expect(other.response.status).toBe(400);
		expect(JSON.parse(other.text)).toMatchObject({ errors: { queueId: 'Unknown queue' } });
	});

	it("refuses another tenant's export with 404, and bad input with 400 naming the field", async () => {
		const a = `tenant=${tenantA.id}&range=custom&from=2025-01-10&to=2025-01-20`;
		const refused = await exportOf(a, cookies.adminB);
		expect(refused.response.status).toBe(404);
		expect(refused.text).not.toContain(tenantA.name);
		expect((await exportOf(a, cookies.platform)).response.status).toBe(200);
		expect((await exportOf('range=today', '')).response.status).toBe(401);

		const bad: [string, string][] = [
			['range=custom&from=2026-13-01&to=2026-12-01', 'from'],
			['range=custom&from=2025-02-01&to=2025-01-01', 'to'],
			['queue=999999', 'queueId'],
			[`agent=${'a'.repeat(10_240)}`, 'agent'],
			['channel=fax', 'channel']
		];
		for (const [query, field] of bad) {
			const { response, text } = await exportOf(query, cookies.admin);
			expect(response.status, query.slice(0, 40)).toBe(400);
			expect(response.headers.get('content-type')).toContain('application/json');
			const body = JSON.parse(text) as { message: string; errors: Record<string, string> };
			expect(Object.keys(body.errors)).toEqual([field]);
			expect(body.message).toContain(`${field}: `);
		}
	});

	it('names the file in the tenant zone, with a BOM, CRLF, no-store, and one audit entry', async () => {
		const custom = await exportOf('range=custom&from=2025-01-10&to=2025-01-20', cookies.admin);
		expect(custom.response.headers.get('content-disposition')).toBe(
			'attachment; filename="interactions_acme-health_2025-01-10_2025-01-20.csv"'
		);
		expect(custom.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(custom.response.headers.get('cache-control')).toBe('no-store');
		expect([...custom.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(custom.text.slice(1, custom.text.indexOf('\r\n'))).toBe(
			'Created (America/Chicago),Closed (America/Chicago),Channel,Queue,Agent,Client,Phone,DID,' +
				'Disposition,Wait (s),Duration (s),ACW (s),Status,Interaction ID'
		);

		const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
		const live = await exportOf('channel=sms', cookies.adminC);
		expect(live.response.headers.get('content-disposition')).toBe(
			`attachment; filename="interactions_coral-bank_${today}_${today}.csv"`
		);
		const audit = await dashRows(
			stack,
			`SELECT detail, tenant_id FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1`
		);
		expect(audit[0]).toMatchObject({ detail: 'channel=sms', tenant_id: tenantC.id });
	});

	it('quotes fields and defuses formulas', async () => {
		const { text, records } = await exportOf(
			`range=custom&from=2025-01-15&to=2025-01-15&queue=${tenantA.queues[0].id}`,
			cookies.admin
		);
		const byId = (id: string) => records.find((r) => r['Interaction ID'] === id)!;
		expect(text).toContain(`,"'=HYPERLINK(""x""),Bob",+4930123456,`);
		expect(byId('950').Client).toBe(`'=HYPERLINK("x"),Bob`);
		expect(byId('951').Client).toBe(`'@SUM(1)`);
		expect(byId('952').Client).toBe('Zoë "Z" Müller');
		// Plain numbers evaluate to themselves: no prefix, even with a sign.
		expect(byId('950').Phone).toBe('+4930123456');
		expect(byId('953')).toMatchObject({ Client: `'-1+2`, Phone: `'-1+2`, DID: '+4930123456' });
		expect(byId('953')['Duration (s)']).toBe('7');
	});

	it("is the live view for Today: in progress first, then today's closed", async () => {
		const [q0, q1] = tenantC.queues;
		const agent = tenantC.agents[0].id;
		const news: [number, number, 'voice' | 'chat'][] = [
			[70_001, q0.id, 'voice'],
			[70_002, q0.id, 'voice'],
			[70_003, q0.id, 'voice'],
			[70_004, q0.id, 'voice'],
			[70_005, q0.id, 'chat'],
			[70_006, q1.id, 'voice']
		];
		for (const [id, queueId, channel] of news) {
			await pbx.insertNew({ id, tenantId: tenantC.id, queueId, channel });
		}
		for (const id of [70_002, 70_003, 70_004]) await pbx.answer(id, agent);
		for (const id of [70_003, 70_004]) await pbx.startAcw(id);
		await pbx.close(70_004);

		const view = `channel=voice&queue=${q0.id}`;
		let records: Record<string, string>[] = [];
		await waitFor(
			async () => {
				records = (await exportOf(view, cookies.adminC)).records;
				return records.map((r) => r.Status).join() === 'ACW,Active,New,Closed';
			},
			10_000,
			'the live rows in the export'
		);
		expect(idsOf(records)).toEqual(['70003', '70002', '70001', '70004']);
		expect(records[1]['Duration (s)']).toMatch(/^\d+$/);
		expect(records[0]['ACW (s)']).toMatch(/^\d+$/);
		expect(records[2]['Duration (s)']).toBe('');
		// Still waiting: the wait ticks, as on the screen.
		expect(records[2]['Wait (s)']).toMatch(/^\d+$/);

		await stack.createUser({
			username: 'supC',
			role: 'cc_supervisor',
			tenantId: tenantC.id,
			queueIds: [q1.id]
		});
		const sup = await exportOf('range=today', await stack.signIn('supC'));
		expect(idsOf(sup.records)).toEqual(['70006']);
	});

	it('stops querying when the client goes away', async () => {
		const selects = async () => {
			const [row] = await stack.pbxRows<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Com_select'");
			return Number(row.Value);
		};
		// Com_select is the whole server's: first let the node's own background reads (the range
		// rollups' backfill of the seeded history) finish, so what is counted below is the export's.
		const quietBy = Date.now() + 120_000;
		for (let last = await selects(); ;) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			const now = await selects();
			if (now - last <= 1) break;
			if (Date.now() > quietBy) throw new Error('the database never went quiet before the export');
			last = now;
		}
		const abort = new AbortController();
		const response = await fetch(
			`${stack.url}/api/interactions/export?range=custom&from=2024-03-01&to=2024-03-31`,
			{ headers: { cookie: cookies.adminC }, signal: abort.signal }
		);
		const reader = response.body!.getReader();
		await reader.read();
		abort.abort();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const before = await selects();
		await new Promise((resolve) => setTimeout(resolve, 1500));
		// 40 batches would run in that time if the export went on.
		expect((await selects()) - before).toBeLessThanOrEqual(2);
	});

	it(`streams ${BULK.toLocaleString()} rows in flat memory`, async () => {
		const view = 'range=custom&from=2024-03-01&to=2024-03-31';
		// Warm up: pools, JIT and the contact cache are not what is being measured.
		await exportOf(`${view}&channel=chat`, cookies.adminC);
		const baseline = rssBytes();
		// Peaks of each half of the rows apart: flat memory means the second is no higher.
		const peaks = [baseline, baseline];
		let newlines = 0;
		const sampler = setInterval(() => {
			const half = newlines < BULK / 2 ? 0 : 1;
			peaks[half] = Math.max(peaks[half], rssBytes());
		}, 20);
		const started = performance.now();
		const response = await stack.get(`/api/interactions/export?${view}`, cookies.adminC);
		const reader = response.body!.getReader();
		let bytes = 0;
		let first = '';
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (first.length < 400) first += new TextDecoder().decode(value.slice(0, 400));
			bytes += value.byteLength;
			for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) newlines++;
		}
		const seconds = (performance.now() - started) / 1000;
		clearInterval(sampler);
		const mb = (value: number) => (value / 1_048_576).toFixed(1);
		const grownMb = (Math.max(...peaks) - baseline) / 1_048_576;
		console.log(
			`export: ${BULK} rows, ${mb(bytes)} MB in ${seconds.toFixed(2)} s = ` +
				`${Math.round(BULK / seconds).toLocaleString()} rows/s; server RSS ${mb(baseline)} MB, ` +
				`peak +${mb(peaks[0] - baseline)} MB in the first half, +${mb(peaks[1] - baseline)} MB in the second`
		);
		expect(newlines - 1).toBe(BULK);
		expect(first.split('\r\n')[1]).toMatch(new RegExp(`,${50_000_000 + BULK}\r?$`));
		expect(grownMb).toBeLessThan(60);
	}, 120_000);
});

describe('a stalled export', () => {
	it('is cut after EXPORT_STALL_SECONDS without progress, and its slot is freed', async () => {
		const view = 'range=custom&from=2024-03-01&to=2024-03-31';
		const before = await stalledExports();
		// A user's two slots, held by clients that stopped reading 26 MB in.
		const stalled = [
			await readOneChunkAndStop(view, cookies.adminC),
			await readOneChunkAndStop(view, cookies.adminC)
		];
		expect(stalled.every(({ port }) => serverSideOpen(port))).toBe(true);
		const refused = await stack.get(`/api/interactions/export?${view}`, cookies.adminC);
		expect(refused.status).toBe(429);
		await refused.arrayBuffer();
		await waitFor(
			async () => (await stalledExports()) === before + 2,
			STALL_SECONDS * 1000 + 15_000,
			'both exports counted as stalled'
		);
		const next = await stack.get(`/api/interactions/export?${view}&channel=chat`, cookies.adminC);
		expect(next.status).toBe(200);
		await next.arrayBuffer();
		// Cut: the server closed both connections while their clients still were not reading,
		// and read on, each response ends short of the file's last chunk.
		expect(stalled.some(({ port }) => serverSideOpen(port))).toBe(false);
		for (const { rest } of stalled) expect(await rest()).toEqual({ complete: false });
	}, 60_000);
});

describe('zoned timestamps', () => {
	it('match formatInZone across DST changes, half-hour shifts and odd offsets', () => {
		const zones = ['America/Chicago', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
		// Around every transition of 2025 in those zones, at 7 min 13.5 s steps.
		const days = ['2025-03-09', '2025-03-30', '2025-04-06', '2025-10-05', '2025-10-26'];
		days.push('2025-11-02');
		for (const zone of zones) {
			const timestamp = zonedTimestamps(zone);
			for (const day of days) {
				const start = utcMs(`${day} 00:00:00`) - 86_400_000;
				for (let ms = start; ms < start + 3 * 86_400_000; ms += 433_500) {
					const iso = new Date(ms).toISOString();
					expect(timestamp(iso), `${zone} ${iso}`).toBe(formatInZone(iso, zone));
				}
			}
		}
	});
});
