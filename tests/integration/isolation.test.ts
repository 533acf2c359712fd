import { describe, expect, it } from 'vitest';
import type { InteractionChange } from '../../src/lib/interaction';
import type { SubscribeReply } from '../../src/lib/realtime';
import { Rng } from '../../scripts/lib/random';
import { TestPbx } from '../support/pbx';
import { waitFor, type LiveClient, type Stack } from '../support/stack';
import { stackForFile } from '../support/file-stack';

/**
 * Isolation under load: three tenants, a CC Admin per tenant, supervisors with random queue
 * assignments and a queue-scoped wall display, 10,000 changes. Every socket must receive exactly
 * the changes in its scope: zero outside it, zero missing.
 */

let stack: Stack;
stackForFile((ready) => (stack = ready));

interface Watcher {
	name: string;
	tenantId: number;
	/** null: every queue of the tenant. */
	queues: Set<number> | null;
	socket: LiveClient;
	received: InteractionChange[];
}

const key = (id: string, status: string) => `${id}:${status}`;

describe('scope isolation', () => {
	it('delivers exactly the in-scope changes of 10,000 to every socket', async () => {
		const rng = new Rng(7);
		const watchers: Watcher[] = [];
		const watch = async (
			name: string,
			tenantId: number,
			queues: number[] | null,
			connect: () => Promise<LiveClient>
		) => {
			const socket = await connect();
			const watcher: Watcher = {
				name,
				tenantId,
				queues: queues ? new Set(queues) : null,
				socket,
				received: []
			};
			socket.on('live:changes', ({ changes }) => watcher.received.push(...changes));
			const reply = await new Promise<SubscribeReply>((resolve) =>
				socket.emit('live:subscribe', {}, resolve)
			);
			expect(reply.ok, name).toBe(true);
			watchers.push(watcher);
		};

		for (const tenant of stack.lookups.tenants) {
			const admin = await stack.signedInAs({ role: 'cc_admin', tenantId: tenant.id });
			await watch(`admin of ${tenant.name}`, tenant.id, null, async () =>
				stack.socket(admin.cookie)
			);
			for (let s = 0; s < 3; s++) {
				const queues = tenant.queues.filter(() => rng.chance(0.4)).map((q) => q.id);
				if (queues.length === 0) queues.push(tenant.queues[s % tenant.queues.length].id);
				const sup = await stack.signedInAs({
					role: 'cc_supervisor',
					tenantId: tenant.id,
					queueIds: queues
				});
				await watch(`supervisor ${s} of ${tenant.name}`, tenant.id, queues, async () =>
					stack.socket(sup.cookie)
				);
			}
			const wallQueues = [tenant.queues[0].id];
			const { token } = await stack.app.auth.wallTokens.create({
				label: `wall ${tenant.name}`,
				tenantId: tenant.id,
				queueIds: wallQueues,
				createdBy: 0
			});
			await watch(`wall of ${tenant.name}`, tenant.id, wallQueues, async () =>
				stack.socket('', { wallToken: token })
			);
		}

		// 2,500 lifecycles of 4 commits each, spread over every tenant and queue.
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		const plan = Array.from({ length: 2500 }, (_, i) => {
			const tenant = stack.lookups.tenants[i % 3];
			return {
				id: 500_000 + i,
				tenant,
				queueId: tenant.queues[Math.floor(rng.next() * tenant.queues.length)].id,
				agentId: tenant.agents[i % tenant.agents.length].id
			};
		});
		let next = 0;
		const worker = async () => {
			while (next < plan.length) {
				const p = plan[next++];
				await pbx.insertNew({ id: p.id, tenantId: p.tenant.id, queueId: p.queueId });
				await pbx.answer(p.id, p.agentId);
				await pbx.startAcw(p.id);
				await pbx.close(p.id, { dispositionId: p.tenant.dispositions[0].id });
			}
		};
		await Promise.all(Array.from({ length: 8 }, worker));

		const expectedFor = (w: Watcher) => {
			const set = new Set<string>();
			for (const p of plan) {
				if (p.tenant.id !== w.tenantId) continue;
				if (w.queues && !w.queues.has(p.queueId)) continue;
				for (const status of ['new', 'active', 'acw', 'closed']) set.add(key(String(p.id), status));
			}
			return set;
		};
		for (const w of watchers) {
			const expected = expectedFor(w);
			await waitFor(
				() => w.received.length >= expected.size,
				20_000,
				`${w.name} to catch up`
			).catch(() => undefined);
			const received = new Set(w.received.map((c) => key(c.id, c.row?.status ?? 'removed')));
			const outside = [...received].filter((k) => !expected.has(k));
			const missing = [...expected].filter((k) => !received.has(k));
			expect(outside, `${w.name}: changes outside its scope`).toEqual([]);
			expect(missing, `${w.name}: changes missing`).toEqual([]);
			expect(w.received.length, `${w.name}: duplicates`).toBe(expected.size);
			for (const change of w.received) {
				expect(change.tenantId).toBe(w.tenantId);
			}
		}
		const total = watchers.reduce((sum, w) => sum + w.received.length, 0);
		expect(total).toBeGreaterThan(10_000);
	});

	it('removes a row from a supervisor when it moves to a queue outside its scope', async () => {
		const tenant = stack.lookups.tenants[0];
		const [inside, outside] = tenant.queues;
		const sup = await stack.signedInAs({
			role: 'cc_supervisor',
			tenantId: tenant.id,
			queueIds: [inside.id]
		});
		const socket = stack.socket(sup.cookie);
		const received: InteractionChange[] = [];
		socket.on('live:changes', ({ changes }) => received.push(...changes));
		await new Promise((resolve) => socket.emit('live:subscribe', {}, resolve));
		const pbx = new TestPbx(stack.admin, stack.pbxDb);
		await pbx.insertNew({ id: 990_001, tenantId: tenant.id, queueId: inside.id });
		await pbx.moveQueue(990_001, outside.id);
		await pbx.answer(990_001, tenant.agents[0].id);
		await pbx.moveQueue(990_001, inside.id);
		await waitFor(() => received.length >= 3, 10_000, 'three changes');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(received.map((c) => (c.row ? `${c.row.status}@${c.row.queueId}` : 'removed'))).toEqual([
			`new@${inside.id}`,
			'removed',
			`active@${inside.id}`
		]);
	});
});
