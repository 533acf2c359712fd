import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { Lookups } from '$lib/server/lookups';
import type { Viewer } from '$lib/server/scope';
import { GET as conversationGET } from '../../src/routes/api/conversations/[id]/+server';
import { GET as recordingGET } from '../../src/routes/api/recordings/[id]/+server';
import { GET as transcriptionGET } from '../../src/routes/api/transcriptions/[id]/+server';

/**
 * The recording, transcription and conversation routes on database trouble: a 503 that says to
 * retry (a recording's and a transcription's lookup once answered it with a 500), and nothing
 * audited; and a 404 that no cache keeps when the scope finds nothing. Real MariaDB paths are
 * in tests/integration/recordings.test.ts and conversations.test.ts.
 */

const admin: Viewer = {
	kind: 'user',
	userId: 1,
	sessionId: 's',
	sessionExpiresAt: Number.MAX_SAFE_INTEGER,
	username: 'a',
	displayName: 'A',
	permissions: ['interactions'],
	role: 'cc_admin',
	tenantId: 1,
	queueIds: []
};

/** A lock wait past lock_wait_timeout, as mysql2 reports it. */
function lockWait(): Error {
	return Object.assign(new Error('Lock wait timeout exceeded; try restarting transaction'), {
		errno: 1205,
		code: 'ER_LOCK_WAIT_TIMEOUT'
	});
}

function eventFor(query: (sql: string) => Promise<unknown>) {
	const lookups = new Lookups();
	lookups.applyChange('tenants', { id: 1, name: 'Acme', timezone: 'UTC' });
	lookups.applyChange('queues', { id: 10, tenant_id: 1, name: 'Sales' });
	const record = vi.fn(async () => {});
	const locals = {
		viewer: admin,
		lookups,
		refusals: { record: vi.fn() },
		audit: { record },
		history: { pool: { query }, database: 'pbxlogs', recordingsRoot: '/nonexistent' }
	};
	const event = {
		locals,
		params: { id: '42' },
		url: new URL('http://localhost/api/x/42'),
		getClientAddress: () => '127.0.0.1'
	} as unknown as RequestEvent<{ id: string }>;
	return { event, record };
}

async function thrownBy(work: () => Promise<unknown>): Promise<unknown> {
	return work().then(
		() => null,
		(e: unknown) => e
	);
}

const routes = [
	['transcription', transcriptionGET],
	['conversation', conversationGET],
	['recording', recordingGET]
] as const;

describe.each(routes)('the %s route', (_name, GET) => {
	it('answers database trouble with a 503 that says to retry, not a 500', async () => {
		const { event, record } = eventFor(async () => {
			throw lockWait();
		});
		const thrown = await thrownBy(async () => GET(event as never));
		expect(isHttpError(thrown)).toBe(true);
		if (!isHttpError(thrown)) return;
		expect(thrown.status).toBe(503);
		expect(thrown.body.message).toMatch(/busy \(a lock wait timed out\): try again/);
		expect(record).not.toHaveBeenCalled();
	});

	it('answers 404, kept by no cache and unaudited, when the scope finds nothing', async () => {
		const { event, record } = eventFor(async () => [[]]);
		const response = await GET(event as never);
		expect(response.status).toBe(404);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(record).not.toHaveBeenCalled();
	});
});
