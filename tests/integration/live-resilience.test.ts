import { describe, expect, inject, it } from 'vitest';
import { startMariaDb } from '../../scripts/lib/mariadb';
import { lifecycleBurst } from '../support/burst';
import { ACCESS_RECHECK_AGAIN_MS } from '../../src/lib/server/realtime/access';
import { subscribedAdmin, TestClient } from '../support/client';
import { waitFor, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

/**
 * The live view must equal the database after anything: a killed binlog connection, a killed
 * server, a restarted MariaDB, clients subscribing while changes are committed.
 */

let stack: Stack;
stackForFile((ready) => (stack = ready));

async function expectEqualToDatabase(client: TestClient, tenantIndex = 0): Promise<void> {
	const tenant = stack.lookups.tenants[tenantIndex];
	let expected = new Map<string, string>();
	await waitFor(
		async () => {
			expected = await stack.databaseView(tenant);
			return client.ready && sameMap(client.statuses(), expected);
		},
		20_000,
		'the client to equal the database'
	).catch(() => {
		expect(client.statuses()).toEqual(expected);
	});
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
	if (a.size !== b.size) return false;
	for (const [key, value] of a) if (b.get(key) !== value) return false;
	return true;
}

function expectStrictlyIncreasing(seqs: number[]): void {
	for (let i = 1; i < seqs.length; i++) {
		if (seqs[i] <= seqs[i - 1]) throw new Error(`seq ${seqs[i]} after ${seqs[i - 1]}`);
	}
}

/**
 * Kills the app's binlog dump thread. After an earlier kill the tailer may still be waiting out
 * its restart delay (on a fast machine the whole burst can commit inside it), so this waits for
 * the dump thread to be back rather than counting a kill that found nothing to kill.
 */
async function killBinlogConnection(): Promise<number> {
	let threads: { id: number }[] = [];
	await waitFor(
		async () => {
			threads = await stack.pbxRows<{ id: number }>(
				`SELECT id FROM information_schema.processlist WHERE user = ? AND command LIKE 'Binlog Dump%'`,
				[stack.appUser]
			);
			return threads.length > 0;
		},
		10_000,
		'a binlog dump thread to kill'
	);
	for (const { id } of threads) await stack.pbx(`KILL ${Number(id)}`);
	return threads.length;
}

describe('live pipeline resilience', () => {
	it('loses and doubles nothing when the binlog connection is killed mid-burst of 5,000 changes', async () => {
		const tenant = stack.lookups.tenants[0];
		const { client } = await subscribedAdmin(stack, tenant.id);
		const restartsBefore = stack.app.live.supervisor.restarts;

		let killed = 0;
		const kills: Promise<void>[] = [];
		const commits = await lifecycleBurst(stack, tenant, {
			interactions: 1250,
			firstId: 100_000,
			onCommit: (n) => {
				if (n === 1500 || n === 3500)
					kills.push(killBinlogConnection().then((k) => void (killed += k)));
			}
		});
		await Promise.all(kills);
		expect(commits).toBe(5000);
		expect(killed).toBeGreaterThanOrEqual(2);
		await expectEqualToDatabase(client);
		expect(stack.app.live.supervisor.restarts).toBeGreaterThan(restartsBefore);
		expectStrictlyIncreasing(client.appliedSeqs);
		// Each interaction had exactly 4 commits: one applied change each, never a replayed one.
		for (let id = 100_000; id < 101_250; id++) {
			expect(client.appliedPerId.get(String(id)), `interaction ${id}`).toBe(4);
		}
	});

	it('recovers the exact state when the whole server is killed mid-burst and started again', async () => {
		const tenant = stack.lookups.tenants[0];
		const { cookie, client } = await subscribedAdmin(stack, tenant.id);

		let stopping: Promise<void> | null = null;
		await lifecycleBurst(stack, tenant, {
			interactions: 1250,
			firstId: 200_000,
			onCommit: (n) => {
				if (n === 2000) stopping = stack.stopApp();
			}
		});
		await stopping;
		await stack.start();
		client.attach(stack.socket(cookie));
		await expectEqualToDatabase(client);
		expectStrictlyIncreasing(client.appliedSeqs.slice(-100));
	});

	it('comes back by itself and catches up after MariaDB restarts under it', async () => {
		const tenant = stack.lookups.tenants[1];
		const { client } = await subscribedAdmin(stack, tenant.id);
		// The new account's access is checked once more a second after its binlog row arrives;
		// a check that meets MariaDB down closes the socket, as it must. Let it pass first.
		await new Promise((resolve) => setTimeout(resolve, ACCESS_RECHECK_AGAIN_MS + 500));

		await lifecycleBurst(stack, tenant, { interactions: 50, firstId: 300_000 });
		const { dataDir, port } = inject('mariadb');
		const mariadb = await startMariaDb({ dataDir, port });
		await mariadb.restart();
		// Changes committed after the restart, while the tailer is still backing off.
		await lifecycleBurst(stack, tenant, { interactions: 100, firstId: 300_100 });
		await waitFor(() => stack.app.live.supervisor.status === 'streaming', 30_000, 'the tailer');
		await expectEqualToDatabase(client, 1);
		const active = await stack.pbxRows('SELECT 1 FROM active_interactions');
		expect(active.length).toBe(0);
	});

	it('neither loses nor doubles changes committed while clients load their snapshots', async () => {
		const tenant = stack.lookups.tenants[2];
		// Twenty screens, each its own sign-in (one sign-in may only have a few sockets open).
		const cookies: string[] = [];
		for (let i = 0; i < 20; i++) {
			cookies.push((await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id })).cookie);
		}
		const clients: TestClient[] = [];
		const burst = lifecycleBurst(stack, tenant, {
			interactions: 500,
			firstId: 400_000,
			concurrency: 4,
			onCommit: (n) => {
				if (n % 100 === 0) clients.push(new TestClient(stack.socket(cookies[clients.length])));
			}
		});
		await burst;
		expect(clients.length).toBe(20);
		for (const client of clients) {
			await expectEqualToDatabase(client, 2);
			expectStrictlyIncreasing(client.appliedSeqs);
			for (const [id, count] of client.appliedPerId) {
				expect(count, `interaction ${id}`).toBeLessThanOrEqual(4);
			}
		}
	});
});
