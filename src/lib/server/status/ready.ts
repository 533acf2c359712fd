/**
 * Readiness for a load balancer: may this node take traffic? Not while it is replacing its live
 * state with a snapshot, not when it cannot follow the shared change log (several nodes, Redis
 * unreachable), and not once its binlog stream has been down longer than the threshold: screens
 * it serves would show old rows as live. Liveness (/health) is not this: a node waiting for
 * MariaDB to come back is alive, and restarting it would not help.
 */

export interface ReadinessInput {
	/** A snapshot is being read. */
	loading: boolean;
	/** Several nodes: whether this node follows the shared log; null on a single node. */
	following: boolean | null;
	/** This node tails the binlog (one node, or the leader of several). */
	tailing: boolean;
	/** How long its binlog stream has been down (0 while up). */
	streamDownMs: number;
	thresholdMs: number;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

export function readiness(input: ReadinessInput): Readiness {
	if (input.loading) return { ready: false, reason: 'loading a snapshot' };
	if (input.following === false) {
		return { ready: false, reason: 'not following the shared change log' };
	}
	if (input.tailing && input.streamDownMs > 0 && input.streamDownMs >= input.thresholdMs) {
		return { ready: false, reason: 'binlog stream down' };
	}
	return { ready: true };
}
