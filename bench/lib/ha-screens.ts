import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Watcher, Verdict } from '../../tests/support/cluster-check';
import { ClusterClients } from '../../tests/support/cluster-clients';
import { Stack } from '../../tests/support/stack';
import { onCleanup } from './cleanup';
import { startBenchCluster, type BenchCluster } from './cluster';
import type { Context } from './context';

/**
 * The Redis HA suites' setting, as tests/integration/cluster-ha.test.ts has it and with its own
 * helpers (imported, not copied): three nodes of the production build behind HAProxy, and seven
 * screens through the balancer — Socket.IO clients that run the browser's own sync code
 * (tests/support/client.ts) as two admins and a supervisor of tenant A and an admin of B — whose
 * rows are compared with SQL after the fault (lost, doubled or reordered, out of scope).
 */

export interface HaScreens {
	stack: Stack;
	bench: BenchCluster;
	clients: ClusterClients;
	watchers: Watcher[];
	tenantA: DemoTenant;
	tenantB: DemoTenant;
	stop(): Promise<void>;
}

export async function openHaScreens(
	ctx: Context,
	name: string,
	options: { sentinel?: boolean; env?: Record<string, string> }
): Promise<HaScreens> {
	const stack = await new Stack({ mariadbPort: ctx.db.port }).prepare();
	const stopStack = onCleanup(() => stack.destroy());
	const [tenantA, tenantB] = stack.lookups.tenants;
	await stack.createUser({ username: 'admin-a', role: 'cc_admin', tenantId: tenantA.id });
	await stack.createUser({
		username: 'supervisor-a',
		role: 'cc_supervisor',
		tenantId: tenantA.id,
		queueIds: [tenantA.queues[0].id]
	});
	await stack.createUser({ username: 'admin-b', role: 'cc_admin', tenantId: tenantB.id });
	// The nodes log at info: the suites read NEW EPOCH and STANDALONE from their logs.
	const env = { LOG_LEVEL: 'info', ...options.env };
	const bench = await startBenchCluster(stack, name, 3, { sentinel: options.sentinel, env });
	const clients = new ClusterClients(stack, bench.cluster, tenantA, tenantB);
	const stopClients = onCleanup(async () => clients.disconnectAll());
	await clients.signInAll();
	const watchers = await clients.openWatchers();
	await bench.cluster.settled(60_000);
	return {
		stack,
		bench,
		clients,
		watchers,
		tenantA,
		tenantB,
		async stop() {
			await stopClients();
			await bench.stop();
			await stopStack();
		}
	};
}

/** Sums of the screens' verdicts: what the report shows. */
export function verdictSums(verdicts: Verdict[]) {
	const sum = (key: 'expected' | 'applied' | 'lost' | 'doubled' | 'outOfScope') =>
		verdicts.reduce((total, v) => total + v[key], 0);
	return {
		rows: sum('expected'),
		applied: sum('applied'),
		lost: sum('lost'),
		doubled: sum('doubled'),
		outOfScope: sum('outOfScope'),
		problems: verdicts.flatMap((v) => v.problems.slice(0, 3).map((p) => `${v.name}: ${p}`))
	};
}

/**
 * When each node first logged a line matching `pattern` at or after `since` (epoch ms; the log's
 * text format starts each line with its ISO time): null for a node that did not.
 */
export function firstLogged(
	bench: BenchCluster,
	pattern: RegExp,
	since: number
): (number | null)[] {
	return bench.cluster.nodes.map((node) => {
		for (const line of node.log().split('\n')) {
			if (!pattern.test(line)) continue;
			const at = Date.parse(line.slice(0, 24));
			if (at >= since) return at;
		}
		return null;
	});
}

/** How many lines matching `pattern` the nodes have logged, over all their runs. */
export function countLogged(bench: BenchCluster, pattern: RegExp): number {
	const global = new RegExp(pattern.source, 'g');
	return bench.cluster.nodes.reduce((n, node) => n + (node.log().match(global)?.length ?? 0), 0);
}
