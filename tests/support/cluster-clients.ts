import assert from 'node:assert/strict';
import { io as connectSocket } from 'socket.io-client';
import type { Cluster } from '../../scripts/lib/cluster';
import type { DemoTenant } from '../../scripts/lib/demo-data';
import { sleep } from '../../scripts/lib/system';
import { TestClient } from './client';
import {
	judge,
	scopedDatabaseView,
	showsExactly,
	type Verdict,
	type Watcher
} from './cluster-check';
import { whenEnded } from './access';
import { auditStreamAt, type StreamAudit } from './cluster-stream';
import { waitFor, type LiveClient, type Stack } from './stack';

/**
 * Clients of a cluster behind HAProxy as the fault tests use them: three sign-ins (an admin
 * and a supervisor of tenant A, an admin of B), browser-like sockets through the balancer, and
 * the checks after a fault: every client shows what SQL holds, each node directly too, and the
 * shared stream is numbered without a gap or an overlap, by one fence owner at a time. Free of
 * vitest (node:assert), so the bench's Redis HA suites use it too: `verdicts` and `streamAudit`
 * count, `verify` and `auditStream` fail on any count above 0.
 */
export class ClusterClients {
	readonly cookies = { admin: '', supervisor: '', other: '' };
	readonly opened: LiveClient[] = [];

	constructor(
		private readonly stack: Stack,
		private readonly cluster: Cluster,
		readonly tenantA: DemoTenant,
		readonly tenantB: DemoTenant,
		/** Usernames of the three sign-ins (created by the caller). */
		private readonly users = { admin: 'admin-a', supervisor: 'supervisor-a', other: 'admin-b' }
	) {}

	async signInAll(): Promise<void> {
		this.cookies.admin = await this.signIn(this.users.admin);
		this.cookies.supervisor = await this.signIn(this.users.supervisor);
		this.cookies.other = await this.signIn(this.users.other);
	}

	async signIn(username: string): Promise<string> {
		const { url } = this.cluster;
		const response = await fetch(`${url}/login`, {
			method: 'POST',
			body: new URLSearchParams({ username, password: 'correct horse battery' }),
			redirect: 'manual',
			headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' }
		});
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('il_session='));
		if (!cookie) throw new Error(`sign-in of ${username} failed: ${response.status}`);
		return cookie.split(';')[0];
	}

	/**
	 * Admin A revokes a wall link through the balancer, as the Administrators page posts it;
	 * resolves with the action's answer type ('success' when it was revoked).
	 */
	async revokeWallToken(tokenId: number): Promise<string> {
		const { url } = this.cluster;
		const answer = await fetch(`${url}/admin?/revokeWallToken`, {
			method: 'POST',
			body: new URLSearchParams({ id: String(tokenId) }),
			headers: {
				origin: url,
				cookie: this.cookies.admin,
				accept: 'application/json',
				'x-sveltekit-action': 'true',
				'content-type': 'application/x-www-form-urlencoded'
			}
		});
		return ((await answer.json()) as { type: string }).type;
	}

	/**
	 * revokeWallToken, timed from when it was sent: when it answered (the revocation committed)
	 * and when each of `walls` (sockets of that link) was closed by its node; NaN for one still
	 * open after 15 s. A slow answer is the node that served the request; the closes after it
	 * are the revocation reaching every node.
	 */
	async revokeTimed(
		walls: LiveClient[],
		tokenId: number
	): Promise<{ answeredMs: number; closedMs: number[] }> {
		const started = performance.now();
		const closed = walls.map((socket) =>
			whenEnded(socket, 15_000).then(
				() => performance.now() - started,
				() => NaN
			)
		);
		const type = await this.revokeWallToken(tokenId);
		if (type !== 'success') throw new Error(`the revoke answered ${type}`);
		const answeredMs = performance.now() - started;
		return { answeredMs, closedMs: await Promise.all(closed) };
	}

	/** A browser-like socket: WebSocket only (no sticky sessions), through HAProxy unless told. */
	socket(cookie: string, url = this.cluster.url): LiveClient {
		const client: LiveClient = connectSocket(url, {
			transports: ['websocket'],
			extraHeaders: { cookie },
			forceNew: true,
			reconnectionDelay: 100,
			reconnectionDelayMax: 500
		});
		this.opened.push(client);
		return client;
	}

	watcher(name: string, cookie: string, tenant: DemoTenant, queueIds?: number[]): Watcher {
		return { name, client: new TestClient(this.socket(cookie)), tenant, queueIds };
	}

	/** Clients of three scopes through the load balancer: round robin spreads them over the nodes. */
	async openWatchers(): Promise<Watcher[]> {
		const { cookies, tenantA, tenantB } = this;
		const supervisorQueues = [tenantA.queues[0].id];
		const watchers = [
			this.watcher('admin A1', cookies.admin, tenantA),
			this.watcher('admin A2', cookies.admin, tenantA),
			this.watcher('supervisor A1', cookies.supervisor, tenantA, supervisorQueues),
			this.watcher('admin B1', cookies.other, tenantB),
			this.watcher('admin A3', cookies.admin, tenantA),
			this.watcher('supervisor A2', cookies.supervisor, tenantA, supervisorQueues),
			this.watcher('admin B2', cookies.other, tenantB)
		];
		await waitFor(() => watchers.every((w) => w.client.ready), 20_000, 'every client to subscribe');
		return watchers;
	}

	close(watchers: Watcher[]): void {
		for (const { client } of watchers) {
			client.sync.detach();
			client.socket.disconnect();
		}
	}

	disconnectAll(): void {
		for (const client of this.opened) client.disconnect();
	}

	/**
	 * Waits for every client to show what SQL holds (20 s at most), then judges each one. Called
	 * once the burst is over: SQL is final, so it is read once per scope, and only the clients
	 * are polled.
	 */
	async verdicts(label: string, watchers: Watcher[]): Promise<Verdict[]> {
		const byScope = new Map<string, Promise<Map<string, string>>>();
		const expected = await Promise.all(
			watchers.map((w) => {
				const key = `${w.tenant.id}:${w.queueIds?.join(',') ?? 'all'}`;
				if (!byScope.has(key)) {
					byScope.set(key, scopedDatabaseView(this.stack, w.tenant, w.queueIds));
				}
				return byScope.get(key)!;
			})
		);
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline) {
			if (watchers.every((w, i) => showsExactly(w.client, expected[i]))) break;
			await sleep(100);
		}
		const verdicts = watchers.map((w, i) => judge(w, expected[i]));
		const sum = (key: 'applied' | 'lost' | 'doubled' | 'outOfScope') =>
			verdicts.reduce((total, v) => total + v[key], 0);
		console.log(
			`[cluster] ${label}: ${watchers.length} clients, ${verdicts.map((v) => v.expected).join('/')} rows, ` +
				`${sum('applied')} changes applied; lost ${sum('lost')}, doubled ${sum('doubled')}, out of scope ${sum('outOfScope')}`
		);
		if (verdicts.some((v) => v.problems.length > 0)) {
			// What the nodes said is gone with the run's directory: show its end with the failure.
			for (const node of this.cluster.nodes) {
				console.log(
					`[cluster] ${node.id} log ends with:\n${node.log().split('\n').slice(-20).join('\n')}`
				);
			}
		}
		return verdicts;
	}

	/** verdicts(), failing the case unless every count is 0. */
	async verify(label: string, watchers: Watcher[]): Promise<Verdict[]> {
		const verdicts = await this.verdicts(label, watchers);
		for (const v of verdicts) {
			assert.deepEqual(v.problems.slice(0, 10), [], `${label}: ${v.name}`);
			assert.deepEqual([v.lost, v.doubled, v.outOfScope], [0, 0, 0], `${label}: ${v.name}`);
		}
		return verdicts;
	}

	/**
	 * Every running node on its own, not through HAProxy: the same head, and a fresh snapshot from
	 * it equal to SQL. An entry appended with a stale token, or one a node skipped, shows here.
	 */
	async nodeVerdicts(label: string): Promise<Verdict[]> {
		const { cluster } = this;
		const running = cluster.nodes.filter((node) => node.state === 'running');
		await waitFor(
			async () => {
				await sleep(75); // four HTTP requests a round: no need to ask 40 times a second
				const heads = (await cluster.health()).filter(Boolean).map((h) => h!.seq);
				return heads.length === running.length && new Set(heads).size === 1;
			},
			15_000,
			`${label}: every node at the same head`
		);
		const probes: Watcher[] = running.map((node) => ({
			name: `${node.id} direct`,
			client: new TestClient(this.socket(this.cookies.admin, node.url)),
			tenant: this.tenantA
		}));
		try {
			return await this.verdicts(`${label} (each node directly)`, probes);
		} finally {
			this.close(probes);
		}
	}

	/** nodeVerdicts() and auditStream(), failing the case on any problem. */
	async verifyNodes(label: string): Promise<void> {
		for (const v of await this.nodeVerdicts(label)) {
			assert.deepEqual(v.problems.slice(0, 10), [], `${label}: ${v.name}`);
		}
		await this.auditStream(label);
	}

	/** The current epoch's stream, audited (cluster-stream.ts), on the primary of now. */
	async streamAudit(label: string): Promise<StreamAudit> {
		return auditStreamAt(await this.cluster.currentRedisUrl(), label);
	}

	/** streamAudit(), failing the case on any problem. */
	async auditStream(label: string): Promise<void> {
		assert.deepEqual((await this.streamAudit(label)).problems, []);
	}
}
