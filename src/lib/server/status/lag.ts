import type { BinlogCheckpoint } from '../changelog/types';
import { comparePositions } from './binlog';

/**
 * How far this node's live view is behind the binlog, in seconds. The view is "fresh up to" an
 * instant when every commit made before it is applied; the lag is now minus that instant.
 *
 * The node that tails the binlog knows it is fresh up to now when its stream has read at least
 * to where the server's binlog ended a moment ago with nothing left in hand; otherwise it is
 * fresh up to the commit time of the newest commit it handled. So the lag is 0 on an idle
 * server (not the age of the last commit), grows from the moment the stream stops keeping up,
 * and drops back once it has caught up.
 *
 * A follower is as fresh as the leader when it has applied the whole shared log, and otherwise
 * as fresh as the newest commit it applied.
 *
 * Fresh-up-to only moves forward: once everything before an instant was applied, it stays so.
 */

export interface TailingSample {
	/** Where the server's binlog ends; null when it could not be asked. */
	server: BinlogCheckpoint | null;
	/** How far the stream has read (events of no interest too), and the position handled. */
	read: BinlogCheckpoint | null;
	/** Commits read but not yet in the change log. */
	pending: boolean;
	/** Commit time (epoch ms) of the newest commit handled. */
	lastCommitAt: number | null;
	/** When the current snapshot was read (epoch ms). */
	snapshotAt: number;
}

export interface FollowingSample {
	/** Whether this node has applied every entry of the shared log; null when unknown. */
	caughtUp: boolean | null;
	/** The leader's lag, as the leader published it; null when no leader reports. */
	leaderLagMs: number | null;
	/** Commit time (epoch ms) of the newest commit applied here. */
	lastCommitAt: number | null;
	snapshotAt: number;
}

export class LagTracker {
	#freshAt = 0;

	/** The tailing node's lag in ms at `now`, and whether it has read all the server has. */
	tailing(now: number, sample: TailingSample): { lagMs: number; caughtUp: boolean } {
		const caughtUp =
			sample.server !== null &&
			sample.read !== null &&
			!sample.pending &&
			comparePositions(sample.read, sample.server) >= 0;
		this.#advance(caughtUp ? now : Math.max(sample.snapshotAt, sample.lastCommitAt ?? 0));
		return { lagMs: Math.max(0, now - this.#freshAt), caughtUp };
	}

	/** A follower's lag in ms at `now`. */
	following(now: number, sample: FollowingSample): number {
		this.#advance(Math.max(sample.snapshotAt, sample.lastCommitAt ?? 0));
		if (sample.caughtUp && sample.leaderLagMs !== null) this.#advance(now - sample.leaderLagMs);
		return Math.max(0, now - this.#freshAt);
	}

	#advance(to: number): void {
		if (to > this.#freshAt) this.#freshAt = to;
	}
}
