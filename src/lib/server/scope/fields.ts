import type { Interaction, InteractionChange } from '$lib/interaction';
import type { Viewer } from './viewer';

/**
 * Which fields of a row a viewer is sent. People get whole rows; a wall-display token gets only
 * what the board renders (src/routes/wall, $lib/wall: status and its times, queue, channel,
 * direction, agent and client as shown, durations). A screen left open in a hallway never
 * carries a caller's number field, a CRM id or a message preview it does not show. Nor does its
 * Client column show a number: the grid's Client falls back to the caller's number when the CRM
 * has no name, and a wall shows `wallClientName` instead.
 */

export type RowView = 'full' | 'wall';

export function rowViewOf(viewer: Viewer): RowView {
	return viewer.kind === 'wall' ? 'wall' : 'full';
}

/** The row as a wall receives it: the board's fields, every other field emptied. */
export function wallRow(row: Interaction): Interaction {
	return {
		id: row.id,
		tenantId: row.tenantId,
		queueId: row.queueId,
		queueName: row.queueName,
		channel: row.channel,
		direction: row.direction,
		status: row.status,
		agentId: null,
		agentName: row.agentName,
		crmContactId: null,
		clientName: wallClientName(row),
		phoneNumber: null,
		did: null,
		dispositionId: null,
		dispositionCode: null,
		createdAt: row.createdAt,
		answeredAt: row.answeredAt,
		acwStartedAt: row.acwStartedAt,
		closedAt: row.closedAt,
		waitSeconds: row.waitSeconds,
		talkSeconds: row.talkSeconds,
		acwSeconds: row.acwSeconds,
		contentPreview: null,
		hasRecording: false,
		hasTranscription: false
	};
}

/**
 * The Client a wall shows: the CRM contact's name when there is one; otherwise "Caller ··42",
 * the last two digits of the number (enough to tell two waiting callers apart, too few to call
 * anyone back), or nothing. A CRM name that is itself the number or the DID counts as none.
 */
export function wallClientName(row: Interaction): string | null {
	const name = row.clientName;
	const isContactName =
		row.crmContactId !== null && name !== null && name !== row.phoneNumber && name !== row.did;
	if (isContactName) return name;
	const digits = row.phoneNumber?.replace(/\D/g, '') ?? '';
	return digits.length >= 4 ? `Caller ··${digits.slice(-2)}` : null;
}

export function viewRow(row: Interaction, view: RowView): Interaction {
	return view === 'wall' ? wallRow(row) : row;
}

export function viewChange(change: InteractionChange, view: RowView): InteractionChange {
	if (view === 'full' || change.row === null) return change;
	return { ...change, row: wallRow(change.row) };
}
