import type { Viewer } from '../scope';
import { MAX_DETAIL, type Audit } from './index';

/**
 * Refusals are audited, and an attacker makes them at request speed: one `scope_refused` row
 * per principal (an account, a wall-display token) and kind of refusal per window, the others
 * counted. The count is written with the next row of that kind, or on its own when the window
 * is over (a timer, which also forgets quiet kinds) or the server stops. Shared by every path
 * that refuses, so a principal's refusals count together however they arrive.
 */

export const REFUSAL_WINDOW_MS = 60_000;
/** Kinds followed at once; past this, refusals of new kinds are counted in one row. */
export const MAX_REFUSAL_KINDS = 10_000;

export interface Refusal {
	viewer: Viewer;
	/**
	 * Where it was refused, from a small fixed set (a route, 'socket subscribe'): never a path a
	 * client chose, or every request would be a kind of its own.
	 */
	where: string;
	/** Why, in words. Numbers are left out of the kind: walking ids (queue 1, 2, 3…) is one kind. */
	reason: string;
	/** The row's detail; `where: reason` unless given. */
	detail?: string;
}

interface Window {
	startedAt: number;
	refusal: Refusal;
	/** Refusals of the kind since its last row, not written. */
	suppressed: number;
}

export class RefusalAudit {
	readonly #windows = new Map<string, Window>();
	/** Refusals of new kinds while MAX_REFUSAL_KINDS were followed. */
	#overflow = 0;
	readonly #timer: ReturnType<typeof setInterval>;

	constructor(
		private readonly audit: Pick<Audit, 'record'>,
		private readonly windowMs = REFUSAL_WINDOW_MS,
		private readonly maxKinds = MAX_REFUSAL_KINDS
	) {
		this.#timer = setInterval(() => void this.flush(), windowMs);
		this.#timer.unref();
	}

	/** Audits the refusal, or counts it when its kind was audited within the window. */
	record(refusal: Refusal, now = Date.now()): void {
		const key = kindOf(refusal);
		const open = this.#windows.get(key);
		if (open && now - open.startedAt < this.windowMs) {
			open.suppressed++;
			return;
		}
		if (!open && this.#windows.size >= this.maxKinds) {
			void this.#closeWindows(now);
			if (this.#windows.size >= this.maxKinds) {
				this.#overflow++;
				return;
			}
		}
		this.#windows.set(key, { startedAt: now, refusal, suppressed: 0 });
		void this.#write(refusal, open?.suppressed ?? 0, true);
	}

	/** Writes the counts of windows that are over and forgets them (all of them with `now` = ∞). */
	flush(now = Date.now()): Promise<void> {
		const writes = [this.#closeWindows(now)];
		if (this.#overflow > 0) {
			const overflow = this.#overflow;
			const detail = `${overflow} refusals not audited one by one: too many kinds at once`;
			this.#overflow = 0;
			writes.push(this.audit.record({ action: 'scope_refused', detail, repeats: overflow - 1 }));
		}
		return Promise.all(writes).then(() => undefined);
	}

	/** At shutdown: the counts not written yet. */
	close(): Promise<void> {
		clearInterval(this.#timer);
		return this.flush(Infinity);
	}

	/** Kinds followed now (for tests: the map must not grow without end). */
	get size(): number {
		return this.#windows.size;
	}

	#closeWindows(now: number): Promise<void> {
		const writes: Promise<void>[] = [];
		for (const [key, window] of this.#windows) {
			if (now - window.startedAt < this.windowMs) continue;
			this.#windows.delete(key);
			if (window.suppressed > 0) {
				writes.push(this.#write(window.refusal, window.suppressed, false));
			}
		}
		return Promise.all(writes).then(() => undefined);
	}

	/** A row for `refusal` itself (`isNew`) or only for the `suppressed` ones after it. */
	#write(refusal: Refusal, suppressed: number, isNew: boolean): Promise<void> {
		const detail = refusal.detail ?? `${refusal.where}: ${refusal.reason}`;
		const more = suppressed > 0 ? ` (and ${suppressed} more in the last minute)` : '';
		return this.audit.record({
			action: 'scope_refused',
			viewer: refusal.viewer,
			detail: detail.slice(0, MAX_DETAIL - more.length) + more,
			// Metrics count refusals, not rows.
			repeats: isNew ? suppressed : suppressed - 1
		});
	}
}

function kindOf({ viewer, where, reason }: Refusal): string {
	const principal = viewer.kind === 'user' ? `user:${viewer.userId}` : `wall:${viewer.tokenId}`;
	// `Queue 3, 4 is outside…`: a list of ids is one number too.
	return `${principal}\n${where}\n${reason.replace(/\d+(?:\s*,\s*\d+)*/g, '#')}`;
}
