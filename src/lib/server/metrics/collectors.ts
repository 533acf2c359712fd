import { Counter, Gauge, type Registry } from 'prom-client';
import type { TailerState } from '$lib/status';
import type { ClusterNode } from '../cluster';
import type { LiveService } from '../live';
import type { NodeMonitor } from '../status';

/**
 * Metrics read at scrape time from what the app keeps anyway: the supervisor's state and
 * counts, the pipeline's progress, the status monitor's latest sample (lag, positions), the
 * open sockets. Nothing here costs anything between scrapes.
 */

export interface SocketLabels {
	/** Tenant id the socket watches (or belongs to); 'none' for a platform admin not subscribed. */
	tenant: string;
	/** platform_admin, cc_admin, cc_supervisor or wall. */
	role: string;
}

export interface MetricSources {
	nodeId: string;
	live: LiveService;
	/** Null on a single node: the cluster metrics are then left out. */
	cluster: ClusterNode | null;
	monitor: NodeMonitor;
	sockets: () => Iterable<SocketLabels>;
}

const TAILER_STATES: readonly TailerState[] = [
	'starting',
	'streaming',
	'waiting',
	'resnapshotting',
	'stopped'
];
const CLUSTER_ROLES = ['joining', 'follower', 'leader', 'standalone'] as const;

/**
 * Every metric read at scrape time, one line each after three small makers: a declarative table,
 * long by design (one place to read what /metrics exposes), not logic to split.
 */
export function registerCollectors(registry: Registry, sources: MetricSources): void {
	const { live, monitor, cluster } = sources;
	const registers = [registry];
	const gauge = (name: string, help: string, read: () => number) =>
		new Gauge({
			name,
			help,
			registers,
			collect() {
				this.set(read());
			}
		});
	const oneHot = <T extends string>(
		name: string,
		help: string,
		label: string,
		values: readonly T[],
		current: () => T
	) =>
		new Gauge({
			name,
			help,
			labelNames: [label],
			registers,
			collect() {
				const now = current();
				for (const value of values) this.labels(value).set(value === now ? 1 : 0);
			}
		});
	// A count kept elsewhere, exposed as a counter: Prometheus sees it only ever go up.
	const counter = (name: string, help: string, read: () => number) => {
		let seen = 0;
		return new Counter({
			name,
			help,
			registers,
			collect() {
				const value = read();
				if (value > seen) this.inc(value - seen);
				seen = Math.max(seen, value);
			}
		});
	};

	new Gauge({
		name: 'il_node_info',
		help: 'This node (always 1), labelled with its NODE_ID',
		labelNames: ['node'],
		registers,
		collect() {
			this.labels(sources.nodeId).set(1);
		}
	});
	gauge('il_ready', 'Whether /ready answers 200 (1) or 503 (0)', () =>
		monitor.readiness().ready ? 1 : 0
	);

	gauge('il_binlog_tailing', 'Whether this node tails the binlog: one node, or the leader', () =>
		monitor.status.binlog.tailing ? 1 : 0
	);
	gauge(
		'il_binlog_stream_down_seconds',
		'How long the binlog stream of this node has been down while it should tail (0 while connected)',
		() => (live.tailing ? live.supervisor.downForMs / 1000 : 0)
	);
	oneHot(
		'il_binlog_tailer_state',
		'The binlog stream state (1 for the current one): streaming once the server accepted it; stopped on followers',
		'state',
		TAILER_STATES,
		() => live.supervisor.state
	);
	gauge(
		'il_binlog_lag_seconds',
		'How far the live view of this node is behind the binlog (0 when it has read all the server has)',
		() => monitor.status.binlog.lagSeconds
	);
	gauge(
		'il_binlog_lag_bytes',
		'Binlog bytes written by the server and not yet applied here (NaN when unknown)',
		() => monitor.status.binlog.lagBytes ?? NaN
	);
	counter(
		'il_binlog_restarts_total',
		'Binlog stream restarts after a failure',
		() => live.supervisor.restarts
	);
	counter(
		'il_binlog_position_lost_total',
		'Checkpoints the server no longer had (purged binlog): each cost a fresh snapshot',
		() => live.supervisor.positionLost
	);
	counter(
		'il_binlog_commits_read_total',
		'Commits this node read from the binlog and handed to the change log (any table)',
		() => live.progress.commitsRead
	);
	counter(
		'il_live_commits_applied_total',
		'Commits with changes of interest applied to the live state of this node',
		() => live.progress.commitsApplied
	);
	counter(
		'il_live_changes_applied_total',
		'Interaction changes applied to the live state of this node',
		() => live.progress.changesApplied
	);
	gauge(
		'il_live_rows',
		'Interactions in the live state (in progress and closed today)',
		() => live.state.size
	);
	gauge(
		'il_changelog_head_seq',
		'Sequence of the newest change this node has',
		() => live.changeLog.head
	);
	gauge(
		'il_changelog_oldest_seq',
		'Sequence of the oldest change kept for resuming screens (head + 1 when none is kept)',
		() => monitor.status.log.oldest
	);

	new Gauge({
		name: 'il_sockets_open',
		help: 'Sockets open on this node, by tenant and role',
		labelNames: ['tenant', 'role'],
		registers,
		collect() {
			const counts = new Map<string, { tenant: string; role: string; n: number }>();
			for (const labels of sources.sockets()) {
				const key = `${labels.tenant}|${labels.role}`;
				const entry = counts.get(key) ?? { ...labels, n: 0 };
				entry.n++;
				counts.set(key, entry);
			}
			// Closed sockets' series would linger at their last count otherwise.
			this.reset();
			for (const { tenant, role, n } of counts.values()) this.labels(tenant, role).set(n);
		}
	});

	if (!cluster) return;
	oneHot(
		'il_cluster_role',
		'This node in the cluster (1 for its role)',
		'role',
		CLUSTER_ROLES,
		() => cluster.role
	);
	gauge(
		'il_cluster_fencing_token',
		'The newest fencing token handed out (each new leader takes the next)',
		() => monitor.shared?.fence ?? NaN
	);
	gauge(
		'il_changelog_stream_length',
		'Entries in the shared change log stream of the current epoch',
		() => monitor.shared?.streamLength ?? NaN
	);
}
