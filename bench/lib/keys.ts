/**
 * Every step of every interaction the benchmark writes has a small integer key, so commit
 * acknowledgements (main process), deliveries (load processes) and paints (Chromium) can be
 * matched in typed arrays: key = (id - idBase) * 4 + step.
 */

export const STEPS = ['new', 'active', 'acw', 'closed'] as const;
export type Step = (typeof STEPS)[number];

export interface KeySpace {
	idBase: number;
	/** Interactions in the space; keys run from 0 to interactions * 4 - 1. */
	interactions: number;
}

export function keyOf(space: KeySpace, id: string | number, status: string): number {
	const j = Number(id) - space.idBase;
	const step = STEPS.indexOf(status as Step);
	if (step < 0 || !Number.isInteger(j) || j < 0 || j >= space.interactions) return -1;
	return j * 4 + step;
}

/** Where a key's interaction lives, so a scoped receiver knows what it should have seen. */
export interface KeyScope {
	tenantOf: Int32Array;
	queueOf: Int32Array;
}

export interface AckTable extends KeyScope {
	space: KeySpace;
	/** Commit acknowledged (epoch ms, sub-ms), NaN when not written. Index: key. */
	acks: Float64Array;
}

export function newAckTable(space: KeySpace): AckTable {
	return {
		space,
		acks: new Float64Array(space.interactions * 4).fill(NaN),
		tenantOf: new Int32Array(space.interactions),
		queueOf: new Int32Array(space.interactions)
	};
}
