import type { Interaction, Source } from '$lib/interaction';
import { removalKeepsRow } from '$lib/live/apply';
import type { ChangeDraft, RowChange } from '../changelog';
import { toInteraction, type RawRow } from '../interactions/map';
import { LOOKUP_TABLES, type LookupTable, type Lookups } from '../lookups';

/**
 * Turns one committed transaction's row changes into interaction changes: folded per
 * interaction id (a close — delete from active + insert into closed — becomes one upsert of the
 * closed row), names resolved, transcriptions and lookup renames reflected in live rows.
 *
 * Effects are explicit: `applyLookupChanges` is the only step that writes (the name caches);
 * `buildChanges` only reads the caches and the live rows as of the previous commit. The live
 * state itself changes only when the change log delivers the drafts back, numbered.
 */

/** Read access to the live rows, as of the last change applied. */
export interface LiveRowsView {
	get(tenantId: number, id: string): Interaction | undefined;
	/** An interaction whose tenant is not known (e.g. from a transcription row). */
	find(id: string): Interaction | undefined;
	allRows(): Iterable<Interaction>;
}

interface Folded {
	tenantId: number;
	queueIds: Set<number | null>;
	row: Interaction | null;
	removedFrom?: Source;
}

const LOOKUPS: ReadonlySet<string> = new Set(LOOKUP_TABLES);

/** CRM contacts this commit refers to, so their names can be fetched before mapping. */
export function contactIdsOf(changes: RowChange[]): (string | null)[] {
	const ids: (string | null)[] = [];
	for (const change of changes) {
		const id = change.after?.crm_contact_id;
		if (change.table.endsWith('_interactions') && id !== null && id !== undefined) {
			ids.push(String(id));
		}
	}
	return ids;
}

/** The commit's lookup-table rows, which every node applies to its name caches. */
export function lookupRowsOf(changes: RowChange[]): RowChange[] {
	return changes.filter((change) => LOOKUPS.has(change.table));
}

/** One commit as the pipeline handles it: names first, then the interaction changes. */
export function draftCommit(
	changes: RowChange[],
	lookups: Lookups,
	state: LiveRowsView
): ChangeDraft[] {
	return buildChanges(changes, lookups, state, applyLookupChanges(changes, lookups));
}

/**
 * Updates the name caches from a commit's lookup-table rows, before its interactions are mapped,
 * so a row written in the same transaction as a rename shows the new name. Returns the tables
 * that changed.
 */
export function applyLookupChanges(changes: RowChange[], lookups: Lookups): LookupTable[] {
	const renamed = new Set<LookupTable>();
	for (const { table, before, after } of changes) {
		if (!LOOKUPS.has(table)) continue;
		lookups.applyChange(table as LookupTable, after, before ?? undefined);
		renamed.add(table as LookupTable);
	}
	return [...renamed];
}

/** The interaction changes of one commit; reads `lookups` and `state`, writes neither. */
export function buildChanges(
	changes: RowChange[],
	lookups: Lookups,
	state: LiveRowsView,
	renamed: readonly LookupTable[]
): ChangeDraft[] {
	const folded = new Map<string, Folded>();
	const fold = (id: string, tenantId: number): Folded => {
		let entry = folded.get(id);
		if (!entry) {
			const current = state.get(tenantId, id);
			entry = { tenantId, queueIds: new Set(current ? [current.queueId] : []), row: null };
			folded.set(id, entry);
		}
		return entry;
	};

	for (const { table, before, after } of changes) {
		if (table === 'active_interactions' || table === 'closed_interactions') {
			const source: Source = table === 'active_interactions' ? 'active' : 'closed';
			const raw = (after ?? before) as RawRow;
			const entry = fold(String(raw.id), Number(raw.tenant_id));
			if (before) entry.queueIds.add(queueOf(before));
			if (after) {
				const previous = entry.row ?? state.get(entry.tenantId, String(raw.id));
				const transcribed = source === 'closed' && Boolean(previous?.hasTranscription);
				entry.row = toInteraction(after, source, lookups, transcribed);
				entry.removedFrom = undefined;
				entry.queueIds.add(queueOf(after));
			} else if (!removalKeepsRow(source, entry.row)) {
				// In one commit, a delete from active after the closed insert is the close itself.
				entry.row = null;
				entry.removedFrom = source;
			}
		} else if (table === 'transcriptions' && after) {
			markTranscribed(String(after.interaction_id), folded, state);
		}
	}
	if (renamed.length > 0) refreshNames(renamed, lookups, state, folded);

	const drafts: ChangeDraft[] = [];
	for (const [id, entry] of folded) {
		drafts.push({
			id,
			tenantId: entry.tenantId,
			queueIds: [...entry.queueIds],
			row: entry.row,
			...(entry.row === null && entry.removedFrom ? { removedFrom: entry.removedFrom } : {})
		});
	}
	return drafts;
}

function queueOf(row: RawRow): number | null {
	return row.queue_id === null || row.queue_id === undefined ? null : Number(row.queue_id);
}

function markTranscribed(id: string, folded: Map<string, Folded>, state: LiveRowsView): void {
	const inCommit = [...folded.values()].find((entry) => entry.row?.id === id);
	if (inCommit?.row) {
		inCommit.row = { ...inCommit.row, hasTranscription: true };
		return;
	}
	const row = state.find(id);
	if (row) {
		folded.set(id, {
			tenantId: row.tenantId,
			queueIds: new Set([row.queueId]),
			row: { ...row, hasTranscription: true }
		});
	}
}

/**
 * A queue, agent, disposition or contact was renamed: live rows showing the old name follow,
 * and so do rows of this same commit that were mapped before the rename was seen.
 */
function refreshNames(
	tables: readonly LookupTable[],
	lookups: Lookups,
	state: LiveRowsView,
	folded: Map<string, Folded>
): void {
	const touched = new Set(tables);
	const rename = (row: Interaction): Interaction | null => {
		const queueName =
			row.queueId === null ? null : (lookups.queues.get(row.queueId)?.name ?? row.queueName);
		const agentName =
			row.agentId === null ? null : (lookups.agents.get(row.agentId)?.name ?? row.agentName);
		const dispositionCode =
			row.dispositionId === null
				? null
				: (lookups.dispositions.get(row.dispositionId)?.code ?? row.dispositionCode);
		const contactName = row.crmContactId ? lookups.contacts.get(row.crmContactId)?.name : undefined;
		const clientName = touched.has('crm_contacts')
			? (contactName ?? row.phoneNumber ?? row.did)
			: row.clientName;
		const unchanged =
			queueName === row.queueName &&
			agentName === row.agentName &&
			dispositionCode === row.dispositionCode &&
			clientName === row.clientName;
		return unchanged ? null : { ...row, queueName, agentName, dispositionCode, clientName };
	};
	for (const entry of folded.values()) {
		if (entry.row) entry.row = rename(entry.row) ?? entry.row;
	}
	for (const row of state.allRows()) {
		if (folded.has(row.id)) continue;
		const renamed = rename(row);
		if (renamed) {
			folded.set(row.id, {
				tenantId: row.tenantId,
				queueIds: new Set([row.queueId]),
				row: renamed
			});
		}
	}
}
