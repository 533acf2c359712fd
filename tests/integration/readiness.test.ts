import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMariaDb } from '../../scripts/lib/mariadb';
import { Stack, waitFor } from '../support/stack';

/**
 * /ready is what a load balancer asks: it must fail while this node cannot show live rows (its
 * binlog stream down past READY_STREAM_DOWN_MS, here during a MariaDB restart) and come back by
 * itself, while /health (liveness) stays 200 throughout. The status page shows what happened,
 * to platform admins only.
 */

let stack: Stack;

beforeAll(async () => {
	stack = await new Stack({
		mariadbPort: inject('mariadb').port,
		// A quick restart can have the stream back within the first retry (250 ms): with no grace,
		// /ready fails for all of it. The threshold itself is unit-tested (readiness).
		env: { READY_STREAM_DOWN_MS: '0' }
	}).prepare();
	await stack.startServer();
});

afterAll(async () => {
	await stack?.destroy();
});

interface Probe {
	at: number;
	ready: number;
	reason?: string;
	health: number;
}

async function probe(): Promise<Probe> {
	const [ready, health] = await Promise.all([
		fetch(`${stack.url}/ready`, { signal: AbortSignal.timeout(2_000) }),
		fetch(`${stack.url}/health`, { signal: AbortSignal.timeout(2_000) })
	]);
	const body = (await ready.json()) as { ready: boolean; reason?: string };
	await health.arrayBuffer();
	return { at: Date.now(), ready: ready.status, reason: body.reason, health: health.status };
}

describe('/ready during a MariaDB restart', () => {
	it('fails while the binlog stream is down and recovers by itself; /health stays up', async () => {
		await stack.createUser({ username: 'status.admin', role: 'platform_admin' });
		await stack.createUser({
			username: 'status.cc',
			role: 'cc_admin',
			tenantId: stack.lookups.tenants[0].id
		});
		const admin = await stack.signIn('status.admin');
		const ccAdmin = await stack.signIn('status.cc');
		expect((await probe()).ready).toBe(200);

		const probes: Probe[] = [];
		let probing = true;
		const prober = (async () => {
			while (probing) {
				probes.push(await probe());
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
		})();
		try {
			const { dataDir, port } = inject('mariadb');
			const mariadb = await startMariaDb({ dataDir, port });
			await mariadb.restart();
			await waitFor(
				() => probes.some((p) => p.ready === 503),
				15_000,
				'/ready to fail (the stream is down past the threshold)'
			);
			const failedAt = probes.find((p) => p.ready === 503)!.at;
			await waitFor(
				() => probes.some((p) => p.ready === 200 && p.at > failedAt),
				30_000,
				'/ready to recover'
			);
		} finally {
			probing = false;
			await prober;
		}
		const failures = probes.filter((p) => p.ready === 503);
		expect(new Set(failures.map((p) => p.reason))).toEqual(new Set(['binlog stream down']));
		expect(probes.every((p) => p.health === 200)).toBe(true);

		// The page shows the node's latest sample (one a second): wait for one after the recovery.
		let html = '';
		await waitFor(
			async () => {
				const page = await stack.get('/admin/status', admin);
				expect(page.status).toBe(200);
				html = await page.text();
				return (
					/data-field="ready"[^>]*>(<!--\[-?\d+-->)?Yes/.test(html) &&
					/data-field="tailer"[^>]*>streaming</.test(html) &&
					/data-field="last-error"[^>]*>(?!(<!--\[-?\d+-->)?None)/.test(html)
				);
			},
			15_000,
			'the status page to show the stream back'
		);
		expect(html).toContain('Single node');
		// The error the restart caused, with its time.
		expect(html).toMatch(/data-field="last-error"[^>]*>(<!--\[-?\d+-->)?\d{1,2}:\d{2}:\d{2}/);
		expect((await stack.get('/admin/status', ccAdmin)).status).toBe(403);
		expect((await stack.get('/admin/status')).status).toBe(303);
	});
});
