import type { Interaction } from '$lib/interaction';
import { belongsToToday, removalKeepsRow } from '$lib/live/apply';
import type { ChangeDraft } from '../changelog';
import type { LiveRowsView } from './commits';
import type { LiveState } from './state';

/**
 * The live rows as a batch of commits leaves them before the log has numbered and delivered
 * any of them: the state, overlaid with the drafts mapped so far (the same rule as applyChange).
 * Commits of one batch are mapped in order against it, so each sees what the ones before did.
 */
export class PendingRows implements LiveRowsView {
	/** id → the row after the drafts so far; null when they removed it. */
	readonly #rows = new Map<string, Interaction | null>();

	constructor(private readonly state: LiveState) {}

	apply(drafts: ChangeDraft[]): void {
		for (const draft of drafts) {
			if (draft.row) {
				const today = belongsToToday(draft.row, this.state.todayStartMs(draft.tenantId));
				this.#rows.set(draft.id, today ? draft.row : null);
			} else if (!removalKeepsRow(draft.removedFrom, this.get(draft.tenantId, draft.id))) {
				this.#rows.set(draft.id, null);
			}
		}
	}

	get(tenantId: number, id: string): Interaction | undefined {
		return this.#rows.has(id) ? (this.#rows.get(id) ?? undefined) : this.state.get(tenantId, id);
	}

	find(id: string): Interaction | undefined {
		return this.#rows.has(id) ? (this.#rows.get(id) ?? undefined) : this.state.find(id);
	}

	*allRows(): Iterable<Interaction> {
		for (const row of this.state.allRows()) if (!this.#rows.has(row.id)) yield row;
		for (const row of this.#rows.values()) if (row) yield row;
	}
}
