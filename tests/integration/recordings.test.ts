import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeToneWav } from '../../scripts/lib/wav';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { Stack } from '../support/stack';

/**
 * Recordings and transcriptions against the production server and the real MariaDB: bytes and
 * HTTP Range exactly right, the scope applied to every id, no file outside the recordings root
 * ever served, and every play, download and transcript view in the audit log.
 */

let stack: Stack;
let tenantA: DemoTenant;
let tenantB: DemoTenant;
let root = '';
/** This run's folder under the shared RECORDINGS_ROOT, and a file outside the root. */
let runDir = '';
let outsidePath = '';
const tag = randomBytes(4).toString('hex');
const SECRET = `outside-the-root-${tag}`;
let wavA = Buffer.alloc(0);
const cookies: Record<'adminA' | 'supA' | 'adminB' | 'platform' | 'auditor', string> = {
	adminA: '',
	supA: '',
	adminB: '',
	platform: '',
	auditor: ''
};

const ID = {
	inA0: '91001',
	inA1: '91002',
	inB: '91003',
	dotDot: '91004',
	dotDotPasswd: '91005',
	absolute: '91006',
	absolutePasswd: '91007',
	missing: '91008',
	noRecording: '91009',
	looseTranscript: '91010',
	// Above 2^53: a string compared as a double would also match its neighbour.
	huge: '9007199254740993'
} as const;

const INSERT_CLOSED = `INSERT INTO closed_interactions
	(id, uniqueid, tenant_id, queue_id, channel, agent_id, phone_number, did, created_at, closed_at,
	 talk_seconds, recording_file)
	VALUES (?, ?, ?, ?, 'voice', NULL, '+15550100', '+15550999', NOW(3), NOW(3), 3, ?)`;

async function closed(id: string, tenant: DemoTenant, queue: number, file: string | null) {
	await stack.pbx(INSERT_CLOSED, [id, `u-${id}`, tenant.id, tenant.queues[queue].id, file]);
}

async function transcript(id: string, segments: unknown, language: string | null = 'en') {
	await stack.pbx(
		'INSERT INTO transcriptions (interaction_id, language, segments, created_at) VALUES (?, ?, ?, NOW(3))',
		[id, language, typeof segments === 'string' ? segments : JSON.stringify(segments)]
	);
}

async function auditRows(action: string, subject: string): Promise<RowDataPacket[]> {
	const [rows] = await stack.admin.query<RowDataPacket[]>(
		`SELECT action, user_id, actor, tenant_id, subject FROM \`${stack.dashDb}\`.audit_log
		  WHERE action = ? AND subject = ? ORDER BY id`,
		[action, subject]
	);
	return rows;
}

function get(pathname: string, cookie: string, headers: Record<string, string> = {}) {
	return fetch(stack.url + pathname, { redirect: 'manual', headers: { cookie, ...headers } });
}

async function bytes(response: Response): Promise<Buffer> {
	return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
	stack = await new Stack({ mariadbPort: inject('mariadb').port, contactsPerTenant: 5 }).prepare();
	[tenantA, tenantB] = stack.lookups.tenants;
	root = stack.env.RECORDINGS_ROOT;
	runDir = `run-${tag}`;
	await writeToneWav(path.join(root, runDir, 'a0.wav'), 3, 1);
	await writeToneWav(path.join(root, runDir, 'a1.wav'), 2, 2);
	await writeToneWav(path.join(root, runDir, 'b.wav'), 2, 3);
	await writeToneWav(path.join(root, runDir, 'huge.wav'), 1, 4);
	wavA = await readFile(path.join(root, runDir, 'a0.wav'));
	// A file right next to the root: what a `..` in recording_file would reach.
	outsidePath = path.join(path.dirname(root), `il-test-outside-${tag}.wav`);
	await writeFile(outsidePath, SECRET);

	await closed(ID.inA0, tenantA, 0, `${runDir}/a0.wav`);
	await closed(ID.inA1, tenantA, 1, `${runDir}/a1.wav`);
	await closed(ID.inB, tenantB, 0, `${runDir}/b.wav`);
	await closed(ID.dotDot, tenantA, 0, `../${path.basename(outsidePath)}`);
	await closed(ID.dotDotPasswd, tenantA, 0, '../../etc/passwd');
	await closed(ID.absolute, tenantA, 0, outsidePath);
	await closed(ID.absolutePasswd, tenantA, 0, '/etc/passwd');
	await closed(ID.missing, tenantA, 0, `${runDir}/never-written.wav`);
	await closed(ID.noRecording, tenantA, 0, null);
	await closed(ID.looseTranscript, tenantA, 0, null);
	await closed(ID.huge, tenantA, 0, `${runDir}/huge.wav`);
	await transcript(ID.inA0, [
		{ speaker: 'agent', start: 0.3, end: 1.2, text: 'Thank you for calling, how can I help?' },
		{ speaker: 'customer', start: 65.5, end: 68, text: 'My card was declined.' }
	]);
	await transcript(ID.inA1, [{ speaker: 'agent', start: 0, end: 1, text: 'Queue two' }]);
	await transcript(ID.inB, [{ speaker: 'agent', start: 0, end: 1, text: 'Tenant B' }]);
	// What a less tidy speech-to-text job writes: no timestamps, no speakers, a bare string,
	// a numeric string, junk entries.
	await transcript(
		ID.looseTranscript,
		{
			segments: [
				{ text: 'No speaker, no time' },
				'A bare string',
				{ speaker: 'Caller', start: '2.5', text: 'Numeric text time' },
				{ speaker: 'agent', start: -1, end: null, text: 'Negative start' },
				{ speaker: 'agent', text: '' },
				42,
				null
			]
		},
		null
	);

	await stack.createUser({ username: 'rec-admin-a', role: 'cc_admin', tenantId: tenantA.id });
	await stack.createUser({ username: 'rec-auditor-a', role: 'cc_admin', tenantId: tenantA.id });
	await stack.createUser({ username: 'rec-admin-b', role: 'cc_admin', tenantId: tenantB.id });
	await stack.createUser({ username: 'rec-platform', role: 'platform_admin' });
	await stack.createUser({
		username: 'rec-sup-a',
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	await stack.startServer();
	cookies.adminA = await stack.signIn('rec-admin-a');
	cookies.auditor = await stack.signIn('rec-auditor-a');
	cookies.adminB = await stack.signIn('rec-admin-b');
	cookies.platform = await stack.signIn('rec-platform');
	cookies.supA = await stack.signIn('rec-sup-a');
});

afterAll(async () => {
	await stack?.destroy();
	if (runDir) await rm(path.join(root, runDir), { recursive: true, force: true });
	if (outsidePath) await rm(outsidePath, { force: true });
});

describe('GET /api/recordings/[id]', () => {
	it('streams the whole file with the right headers', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminA);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('audio/wav');
		expect(response.headers.get('content-length')).toBe(String(wavA.length));
		expect(response.headers.get('accept-ranges')).toBe('bytes');
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(response.headers.get('content-disposition')).toBeNull();
		expect((await bytes(response)).equals(wavA)).toBe(true);
	});

	it('answers bytes=100-199 with exactly those bytes', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, {
			range: 'bytes=100-199'
		});
		expect(response.status).toBe(206);
		expect(response.headers.get('content-range')).toBe(`bytes 100-199/${wavA.length}`);
		expect(response.headers.get('content-length')).toBe('100');
		expect(response.headers.get('accept-ranges')).toBe('bytes');
		expect((await bytes(response)).equals(wavA.subarray(100, 200))).toBe(true);
	});

	it('answers a suffix range bytes=-50 with the last 50 bytes', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, {
			range: 'bytes=-50'
		});
		expect(response.status).toBe(206);
		const size = wavA.length;
		expect(response.headers.get('content-range')).toBe(`bytes ${size - 50}-${size - 1}/${size}`);
		expect((await bytes(response)).equals(wavA.subarray(size - 50))).toBe(true);
	});

	it('answers open and over-long ranges up to the end of the file', async () => {
		const size = wavA.length;
		const open = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, {
			range: `bytes=${size - 10}-`
		});
		expect(open.status).toBe(206);
		expect(open.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
		expect((await bytes(open)).equals(wavA.subarray(size - 10))).toBe(true);
		const long = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, {
			range: 'bytes=40000-99999999'
		});
		expect(long.status).toBe(206);
		expect(long.headers.get('content-range')).toBe(`bytes 40000-${size - 1}/${size}`);
		expect((await bytes(long)).equals(wavA.subarray(40000))).toBe(true);
	});

	it('answers an unsatisfiable range with 416 and the size', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, {
			range: 'bytes=999999999-'
		});
		expect(response.status).toBe(416);
		expect(response.headers.get('content-range')).toBe(`bytes */${wavA.length}`);
		expect((await bytes(response)).length).toBe(0);
	});

	it('answers several ranges, or a malformed one, with the whole file', async () => {
		for (const range of ['bytes=0-9,20-29', 'bytes=50-10', 'items=0-9']) {
			const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminA, { range });
			expect(response.status, range).toBe(200);
			expect((await bytes(response)).equals(wavA), range).toBe(true);
		}
	});

	it('answers HEAD with the headers and no body', async () => {
		const response = await fetch(`${stack.url}/api/recordings/${ID.inA0}`, {
			method: 'HEAD',
			headers: { cookie: cookies.adminA }
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-length')).toBe(String(wavA.length));
		expect(response.headers.get('accept-ranges')).toBe('bytes');
		expect((await bytes(response)).length).toBe(0);
	});

	it('offers ?download=1 as an attachment', async () => {
		const response = await get(`/api/recordings/${ID.inA0}?download=1`, cookies.adminA);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="recording-${ID.inA0}.wav"`
		);
		expect((await bytes(response)).equals(wavA)).toBe(true);
	});

	it('matches BIGINT ids exactly, beyond double precision', async () => {
		const exact = await get(`/api/recordings/${ID.huge}`, cookies.adminA);
		expect(exact.status).toBe(200);
		await exact.arrayBuffer();
		const neighbour = await get('/api/recordings/9007199254740992', cookies.adminA);
		expect(neighbour.status).toBe(404);
	});

	it('refuses anonymous requests with 401', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, '');
		expect(response.status).toBe(401);
		expect(response.headers.get('content-type')).toContain('application/json');
	});

	it('answers 404 for a supervisor asking for a queue outside its assignment', async () => {
		const own = await get(`/api/recordings/${ID.inA0}`, cookies.supA, { range: 'bytes=100-199' });
		expect(own.status).toBe(206);
		await own.arrayBuffer();
		for (const id of [ID.inA1, ID.inB]) {
			const response = await get(`/api/recordings/${id}`, cookies.supA);
			expect(response.status, id).toBe(404);
			expect(response.headers.get('cache-control')).toBe('private, no-store');
			expect(await response.json()).toEqual({ message: 'Not found' });
		}
	});

	it('answers 404 to a CC Admin of another tenant, however it asks', async () => {
		const response = await get(`/api/recordings/${ID.inA0}`, cookies.adminB);
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({ message: 'Not found' });
		const explicit = await get(`/api/recordings/${ID.inA0}?tenant=${tenantA.id}`, cookies.adminB);
		expect(explicit.status).toBe(404);
		expect(JSON.stringify(await explicit.json())).not.toContain(tenantA.name);
		const own = await get(`/api/recordings/${ID.inB}`, cookies.adminB);
		expect(own.status).toBe(200);
		await own.arrayBuffer();
	});

	it('lets a platform admin in only with ?tenant=', async () => {
		const without = await get(`/api/recordings/${ID.inA0}`, cookies.platform);
		expect(without.status).toBe(400);
		const wrongTenant = await get(
			`/api/recordings/${ID.inA0}?tenant=${tenantB.id}`,
			cookies.platform
		);
		expect(wrongTenant.status).toBe(404);
		const right = await get(`/api/recordings/${ID.inA0}?tenant=${tenantA.id}`, cookies.platform);
		expect(right.status).toBe(200);
		expect((await bytes(right)).equals(wavA)).toBe(true);
	});

	it('never serves a file outside the recordings root', async () => {
		expect((await readFile(outsidePath, 'utf8')) === SECRET).toBe(true);
		for (const id of [ID.dotDot, ID.dotDotPasswd, ID.absolute, ID.absolutePasswd]) {
			for (const range of [undefined, 'bytes=0-']) {
				const response = await get(`/api/recordings/${id}`, cookies.adminA, range ? { range } : {});
				const body = await response.text();
				expect(response.status, id).toBe(404);
				expect(JSON.parse(body), id).toEqual({ message: 'Recording unavailable' });
				expect(body).not.toContain(SECRET);
				expect(body).not.toContain('root:');
			}
		}
	});

	it('answers 404 "Recording unavailable" for a missing file and Not found without one', async () => {
		const missing = await get(`/api/recordings/${ID.missing}`, cookies.adminA);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ message: 'Recording unavailable' });
		const none = await get(`/api/recordings/${ID.noRecording}`, cookies.adminA);
		expect(none.status).toBe(404);
		await none.arrayBuffer();
	});

	it('answers 400 for ids that are not ids (docs/API.md), 404 for ids that do not exist', async () => {
		for (const id of [
			'abc',
			'1e3',
			'-1',
			'01',
			'0',
			'123456789012345678901',
			'99999999999999999999'
		]) {
			const response = await get(`/api/recordings/${id}`, cookies.adminA);
			expect(response.status, id).toBe(400);
			expect(((await response.json()) as { message: string }).message, id).toMatch(
				/interaction id/
			);
		}
		const response = await get('/api/recordings/1', cookies.adminA);
		expect(response.status).toBe(404);
		await response.arrayBuffer();
	});
});

describe('GET /api/transcriptions/[id]', () => {
	it('returns the segments of an interaction in scope', async () => {
		const response = await get(`/api/transcriptions/${ID.inA0}`, cookies.supA);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(await response.json()).toEqual({
			id: ID.inA0,
			language: 'en',
			segments: [
				{
					speaker: 'agent',
					start: 0.3,
					end: 1.2,
					text: 'Thank you for calling, how can I help?'
				},
				{ speaker: 'customer', start: 65.5, end: 68, text: 'My card was declined.' }
			]
		});
	});

	it('tolerates segments without speakers or timestamps', async () => {
		const response = await get(`/api/transcriptions/${ID.looseTranscript}`, cookies.adminA);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			id: ID.looseTranscript,
			language: null,
			segments: [
				{ speaker: null, start: null, end: null, text: 'No speaker, no time' },
				{ speaker: null, start: null, end: null, text: 'A bare string' },
				{ speaker: 'customer', start: 2.5, end: null, text: 'Numeric text time' },
				{ speaker: 'agent', start: null, end: null, text: 'Negative start' }
			]
		});
	});

	it('answers 404 out of scope, for no transcription, and 401 anonymous', async () => {
		const cases: [string, string, number][] = [
			[ID.inA1, cookies.supA, 404],
			[ID.inB, cookies.supA, 404],
			[ID.inA0, cookies.adminB, 404],
			[ID.noRecording, cookies.adminA, 404],
			['not-an-id', cookies.adminA, 400],
			[`0${ID.inA0}`, cookies.adminA, 400]
		];
		for (const [id, cookie, status] of cases) {
			const response = await get(`/api/transcriptions/${id}`, cookie);
			expect(response.status, id).toBe(status);
			const body = await response.text();
			expect(body).not.toContain('Queue two');
			expect(body).not.toContain('Tenant B');
			expect(body).not.toContain('declined');
		}
		const anonymous = await get(`/api/transcriptions/${ID.inA0}`, '');
		expect(anonymous.status).toBe(401);
	});
});

describe('audit', () => {
	it('records one play per listen, however many ranges the player asks for', async () => {
		const subject = `interaction:${ID.inA1}`;
		const ranges = [
			'bytes=0-1',
			'bytes=0-',
			'bytes=100-199',
			'bytes=-50',
			'bytes=2000-',
			'bytes=999999999-'
		];
		for (const range of ranges) {
			const response = await get(`/api/recordings/${ID.inA1}`, cookies.auditor, { range });
			await response.arrayBuffer();
		}
		const head = await fetch(`${stack.url}/api/recordings/${ID.inA1}`, {
			method: 'HEAD',
			headers: { cookie: cookies.auditor }
		});
		expect(head.status).toBe(200);
		const played = await auditRows('recording_played', subject);
		expect(played).toHaveLength(1);
		expect(played[0]).toMatchObject({ actor: 'rec-auditor-a', tenant_id: tenantA.id, subject });

		// A second listen (a request from byte 0 again) is a second play.
		await (await get(`/api/recordings/${ID.inA1}`, cookies.auditor)).arrayBuffer();
		expect(await auditRows('recording_played', subject)).toHaveLength(2);
		expect(await auditRows('recording_downloaded', subject)).toHaveLength(0);
	});

	it('records a download, and no play for it', async () => {
		const subject = `interaction:${ID.huge}`;
		const before = (await auditRows('recording_played', subject)).length;
		const response = await get(`/api/recordings/${ID.huge}?download=1`, cookies.auditor);
		expect(response.status).toBe(200);
		await response.arrayBuffer();
		const downloaded = await auditRows('recording_downloaded', subject);
		expect(downloaded).toHaveLength(1);
		expect(downloaded[0]).toMatchObject({ actor: 'rec-auditor-a', tenant_id: tenantA.id });
		expect(await auditRows('recording_played', subject)).toHaveLength(before);
	});

	it('records a transcription view, and nothing for a refused one', async () => {
		const subject = `interaction:${ID.inA0}`;
		const before = (await auditRows('transcription_viewed', subject)).length;
		const response = await get(`/api/transcriptions/${ID.inA0}`, cookies.auditor);
		expect(response.status).toBe(200);
		const viewed = await auditRows('transcription_viewed', subject);
		expect(viewed).toHaveLength(before + 1);
		expect(viewed[viewed.length - 1]).toMatchObject({
			actor: 'rec-auditor-a',
			tenant_id: tenantA.id
		});
		await (await get(`/api/transcriptions/${ID.inA0}`, cookies.adminB)).arrayBuffer();
		expect(await auditRows('transcription_viewed', subject)).toHaveLength(before + 1);
	});

	it('records nothing for refused or unavailable recordings', async () => {
		for (const id of [ID.missing, ID.dotDot]) {
			await (await get(`/api/recordings/${id}`, cookies.auditor)).arrayBuffer();
			expect(await auditRows('recording_played', `interaction:${id}`)).toHaveLength(0);
		}
		await (await get(`/api/recordings/${ID.inB}`, cookies.supA)).arrayBuffer();
		const rows = await auditRows('recording_played', `interaction:${ID.inB}`);
		expect(rows.filter((row) => row.actor === 'rec-sup-a')).toHaveLength(0);
	});
});
