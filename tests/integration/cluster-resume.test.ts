import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/lib/server/app';
import { lifecycleBurst } from '../support/burst';
import { InProcessCluster } from '../support/cluster-nodes';
import { type Stack, waitFor } from '../support/stack';

/**
 * A screen that resumes on a node which has not yet read what its previous node showed it: the
 * position it holds is global, but each node reads the shared log on its own, a little later
 * than the leader appends.
 */

let cluster: InProcessCluster;
let stack: Stack;

async function startNode(name: string): Promise<App> {
	return (await cluster.startNode(name)).app;
}

beforeAll(async () => {
	cluster = await InProcessCluster.start(inject('mariadb').port);
	stack = cluster.stack;
});

afterAll(() => cluster?.stop());

describe('resuming on a node behind the screen', () => {
	it('answers by replay once the node has read up to the screen, not with an older snapshot', async () => {
		const leader = await startNode('a');
		await waitFor(() => leader.cluster?.role === 'leader', 10_000, 'a to lead');
		const follower = await startNode('b');
		await waitFor(() => follower.cluster?.role === 'follower', 10_000, 'b to follow');
		const tenant = stack.lookups.tenants[0];
		const scope = { scope: { tenantId: tenant.id, queues: 'all' as const }, tenant };

		await lifecycleBurst(stack, tenant, { interactions: 5, firstId: 9_000_000 });
		const head = leader.live.position();
		await waitFor(() => follower.live.position().seq === head.seq, 10_000, 'b to catch up');

		// The screen saw the next entry on the leader; the follower's stream read has not returned
		// it yet. Asking before the commit makes that moment exact instead of a race.
		const resume = { epoch: head.epoch, seq: head.seq + 1 };
		const answer = follower.live.catchUp(scope, resume);
		await lifecycleBurst(stack, tenant, { interactions: 1, firstId: 9_000_100 });
		const reply = await answer;
		// A snapshot at the follower's older head would make the screen apply again a change it
		// already applied: seq going back within one epoch.
		expect(reply.kind).toBe('replay');
		if (reply.kind === 'replay') expect(reply.seq).toBeGreaterThanOrEqual(resume.seq);
	});
});
