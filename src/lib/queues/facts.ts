import type { Interaction } from '$lib/interaction';
import type { MeasuredRow } from './measures';

/**
 * What the wall needs of one row, with its timestamps parsed once. Rows are immutable (every
 * change replaces the object), so the facts are cached per object: a board re-aggregating tens of
 * thousands of rows per frame then parses only the rows that changed since the last frame.
 */
export interface RowFacts extends MeasuredRow {
	createdMs: number;
	/** When the row entered its current status (created, answered, ACW started or closed). */
	sinceMs: number;
	/** Talk plus after-contact work of a closed, answered row; null otherwise. */
	handleSeconds: number | null;
}

const cache = new WeakMap<Interaction, RowFacts>();

const parse = (iso: string | null): number | null => (iso ? Date.parse(iso) : null);

export function factsOf(row: Interaction): RowFacts {
	let facts = cache.get(row);
	if (!facts) {
		facts = computeFacts(row);
		cache.set(row, facts);
	}
	return facts;
}

function computeFacts(row: Interaction): RowFacts {
	const createdMs = Date.parse(row.createdAt);
	const answeredMs = parse(row.answeredAt);
	const answered = answeredMs !== null;
	const closed = row.status === 'closed';
	let waitSeconds: number | null = null;
	if (answered) {
		waitSeconds =
			closed && row.waitSeconds !== null
				? row.waitSeconds
				: Math.max(0, Math.floor((answeredMs - createdMs) / 1000));
	}
	const handleSeconds = closed && answered ? (row.talkSeconds ?? 0) + (row.acwSeconds ?? 0) : null;
	const since =
		row.status === 'active'
			? answeredMs
			: row.status === 'acw'
				? parse(row.acwStartedAt)
				: closed
					? parse(row.closedAt)
					: createdMs;
	return {
		createdMs,
		sinceMs: since ?? createdMs,
		answered,
		closed,
		inbound: row.direction !== 'outbound',
		waitSeconds,
		talkSeconds: row.talkSeconds,
		acwSeconds: row.acwSeconds,
		handleSeconds
	};
}
