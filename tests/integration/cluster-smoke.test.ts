import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { App } from '../../src/lib/server/app';
import { lifecycleBurst } from '../support/burst';
import { InProcessCluster } from '../support/cluster-nodes';
import { type Stack, waitFor } from '../support/stack';

/** Two nodes in this process on one Redis: the basics of the shared change log. */

let cluster: InProcessCluster;
let stack: Stack;

function startNode(name: string) {
	return cluster.startNode(name);
}

beforeAll(async () => {
	cluster = await InProcessCluster.start(inject('mariadb').port);
	stack = cluster.stack;
});

afterAll(() => cluster?.stop());

describe('several nodes on one Redis', () => {
	it('one leads, both follow, and a second leader takes over with nothing lost', async () => {
		const a = await startNode('a');
		await waitFor(() => a.app.cluster?.role === 'leader', 10_000, 'a to lead');
		const b = await startNode('b');
		await waitFor(() => b.app.cluster?.role === 'follower', 10_000, 'b to follow');
		const tenant = stack.lookups.tenants[0];
		await lifecycleBurst(stack, tenant, { interactions: 50, firstId: 1_000_000 });
		const expected = await stack.databaseView(tenant);
		const statuses = (app: App) =>
			new Map(app.live.state.rows(tenant.id).map((r) => [r.id, r.status as string]));
		const equal = (app: App) =>
			statuses(app).size === expected.size &&
			[...expected].every(([id, status]) => statuses(app).get(id) === status);
		for (const node of [a, b]) {
			await waitFor(() => equal(node.app), 10_000, 'the node to apply the burst').catch(() =>
				expect(statuses(node.app)).toEqual(expected)
			);
		}
		expect(b.app.live.position()).toEqual(a.app.live.position());

		await a.app.stop();
		await waitFor(() => b.app.cluster?.role === 'leader', 10_000, 'b to take over');
		await lifecycleBurst(stack, tenant, { interactions: 20, firstId: 2_000_000 });
		const after = await stack.databaseView(tenant);
		await waitFor(
			() => [...after].every(([id, status]) => statuses(b.app).get(id) === status),
			10_000,
			'b, now leading, to apply what was written after the failover'
		);
	});
});
