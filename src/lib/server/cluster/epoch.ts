import type { StreamPosition } from '../changelog/redis';
import type { ClusterNodeOptions, NodeState } from './node-types';

/**
 * The rule that keeps fencing sound across a Redis failover (docs/CLUSTER.md): an epoch lives
 * only on the Redis process it was started on. Redis replicates asynchronously, so a promoted
 * replica may lack the fence counter's last INCR (a token may repeat) and the last entries; a
 * leader that finds the log served by another process, or no log, starts a fresh one.
 */

/** Why a node about to lead must start a new epoch from `position`; null: it continues the log. */
export function newEpochReason(position: StreamPosition, rejoining: boolean): string | null {
	if (!position.epoch) return 'Redis holds no change log (first start, or Redis lost its data)';
	if (!position.sameServer) return 'another Redis process serves the log (a failover or a restart)'; // prettier-ignore
	if (rejoining) return 'the nodes ran standalone while Redis was unreachable';
	return null;
}

/**
 * A log another Redis process serves may have lost the fence counter's last INCR: the token may
 * repeat one already used, so the leader's alert writes are fenced by a fresh claim.
 */
export function tokenMayRepeat(position: StreamPosition): boolean {
	return !position.epoch || !position.sameServer;
}

/**
 * A fresh snapshot starts a new shared epoch (fenced like an append); every node re-syncs to it
 * and every screen reloads. A leader keeps tailing under its token, claimed afresh.
 */
export async function startNewEpoch(
	{ events, live, log, lease }: Pick<ClusterNodeOptions, 'events' | 'live' | 'log' | 'lease'>,
	state: NodeState,
	why: string
): Promise<void> {
	log.warn(`NEW EPOCH: ${why}. Taking a fresh snapshot; every open screen reloads.`);
	const tailing = state.role === 'leader';
	await live.stopTailing();
	await live.startEpoch();
	state.needsSync = false;
	await events.emit('log.resync', { reason: 'The live feed restarted' });
	// Still the lease's holder: the alert evaluator restarts under its token, claimed afresh
	// (the epoch changed because another Redis process serves it).
	if (tailing) live.startTailing({ token: lease.token, fresh: true });
}
