import type { Interaction, InteractionChange } from '$lib/interaction';
import { applyChange } from '$lib/live/apply';
import { FrameChanges, type RowSource } from '$lib/live/sorted-rows';
import { interaction } from './fixtures';

/**
 * Seeded random rows and a hand-driven row source, for the tests that hold what is kept change
 * by change (SortedRows, DayTally, the wall's day sums) against the same computed afresh.
 */

/** mulberry32: a small seeded generator, so a failure replays; next(n) is an integer in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
	let state = seed >>> 0;
	return (n: number) => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) | 0;
	};
}

/**
 * A row at some stage of its life, created within the 10 hours before `nowMs` (some on the day
 * before), in one of `queues` or none.
 */
export function randomRow(
	next: (n: number) => number,
	id: string,
	nowMs: number,
	queues: readonly number[]
): Interaction {
	const created = nowMs - next(36_000) * 1000;
	const iso = (ms: number) => new Date(ms).toISOString();
	const wait = next(200);
	const status = (['new', 'active', 'acw', 'closed'] as const)[next(4)];
	const answered = status !== 'new' && (status !== 'closed' || next(3) > 0);
	const closed = status === 'closed';
	return interaction({
		id,
		queueId: next(5) === 0 ? null : queues[next(queues.length)],
		channel: next(4) === 0 ? 'chat' : 'voice',
		direction: next(6) === 0 ? 'outbound' : 'inbound',
		status,
		createdAt: iso(created),
		answeredAt: answered ? iso(created + wait * 1000) : null,
		acwStartedAt:
			status === 'acw' || (closed && answered) ? iso(created + (wait + 60) * 1000) : null,
		closedAt: closed ? iso(created + (wait + 90) * 1000) : null,
		agentId: answered ? 7 : null,
		waitSeconds: closed ? wait : null,
		talkSeconds: closed ? (answered ? 60 + next(300) : 0) : null,
		acwSeconds: closed ? (answered ? next(60) : 0) : null
	});
}

/** A RowSource the test drives: changes (or plain sets and deletes), then `frame()`. */
export class FakeRowSource implements RowSource {
	readonly rows = new Map<string, Interaction>();
	version = 0;
	readonly #changes = new FrameChanges();

	/** `todayStartMs`: the day the live state keeps (closed rows of earlier days are dropped). */
	constructor(private readonly todayStartMs = 0) {}

	apply(change: InteractionChange): void {
		applyChange(this.rows, change, this.todayStartMs);
		this.#changes.touched(change.id);
	}
	set(row: Interaction): void {
		this.rows.set(row.id, row);
		this.#changes.touched(row.id);
	}
	delete(id: string): void {
		this.rows.delete(id);
		this.#changes.touched(id);
	}
	/** A snapshot: every row may have changed. */
	replaceAll(rows: readonly Interaction[]): void {
		this.rows.clear();
		for (const row of rows) this.rows.set(row.id, row);
		this.#changes.touchedAll();
	}
	frame(): void {
		this.#changes.endFrame();
		this.version++;
	}
	changedSince(version: number): ReadonlySet<string> | null {
		return this.#changes.since(version, this.version);
	}
}
