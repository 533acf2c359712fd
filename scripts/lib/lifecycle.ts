import type { ActiveRow, Commit, PbxStatements } from './pbx-sql';
import type { PbxWriter } from './pbx-writes';

/**
 * The plain lifecycle of the load tests and benchmarks, one change per commit: new → active →
 * acw → closed. Tests count on exactly four commits per interaction.
 */

export const LIFECYCLE_STEPS = 4;

export interface Lifecycle {
	row: ActiveRow;
	agentId: number;
	dispositionId: number | null;
}

/** Step `step` (0 new, 1 answered, 2 ACW, 3 closed) of an interaction's life, as one commit. */
export function lifecycleStep(
	sql: PbxStatements,
	life: Lifecycle,
	step: number,
	atMs: number
): Commit {
	const { id } = life.row;
	switch (step) {
		case 0:
			return sql.insertActive([life.row]);
		case 1:
			return sql.answer([{ id, agentId: life.agentId, atMs }]);
		case 2:
			return sql.startAcw([{ id, atMs }]);
		default:
			return sql.close([{ id, atMs, dispositionId: life.dispositionId }]);
	}
}

export interface BurstOptions {
	interactions: number;
	/** The i-th interaction of the burst (0-based), made when its turn comes. */
	lifecycle: (i: number) => Lifecycle;
	/** Round trips in flight at once. Default 8. */
	concurrency?: number;
	/** Interactions whose commits share a round trip (step by step). Default 1. */
	perTrip?: number;
	/** Called after each commit with the number committed so far. */
	onCommit?: (commits: number) => void;
}

/**
 * Whole lifecycles as fast as the server takes them: each round trip carries the four commits of
 * `perTrip` interactions, step by step, every commit still its own transaction.
 */
export async function lifecycleBurst(
	writer: PbxWriter,
	o: BurstOptions
): Promise<{ commits: number; seconds: number }> {
	const started = performance.now();
	const perTrip = o.perTrip ?? 1;
	let next = 0;
	let commits = 0;
	const worker = async () => {
		while (next < o.interactions) {
			const lives = Array.from({ length: Math.min(perTrip, o.interactions - next) }, () =>
				o.lifecycle(next++)
			);
			const trip: Commit[] = [];
			for (let step = 0; step < LIFECYCLE_STEPS; step++) {
				for (const life of lives) trip.push(lifecycleStep(writer.sql, life, step, Date.now()));
			}
			await writer.runTogether(trip);
			for (let i = 0; i < trip.length; i++) {
				commits++;
				o.onCommit?.(commits);
			}
		}
	};
	await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
	return { commits, seconds: (performance.now() - started) / 1000 };
}
