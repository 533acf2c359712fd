/** Shapes the browser and the server share: one interaction row, one change, one snapshot. */

export const CHANNELS = ['voice', 'chat', 'sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STATUSES = ['new', 'active', 'acw', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** Which PBX table a row was read from. */
export type Source = 'active' | 'closed';

/**
 * One interaction as the screen needs it: the PBX row with its lookups resolved.
 * Ids are strings because interaction and CRM ids are BIGINT and may exceed 2^53.
 * Timestamps are ISO-8601 UTC strings.
 */
export interface Interaction {
	id: string;
	tenantId: number;
	queueId: number | null;
	queueName: string | null;
	channel: Channel;
	direction: 'inbound' | 'outbound';
	status: Status;
	agentId: number | null;
	agentName: string | null;
	crmContactId: string | null;
	/** CRM contact name, else caller number, else DID (SPEC "Client"). */
	clientName: string | null;
	phoneNumber: string | null;
	did: string | null;
	dispositionId: number | null;
	dispositionCode: string | null;
	createdAt: string;
	answeredAt: string | null;
	acwStartedAt: string | null;
	closedAt: string | null;
	waitSeconds: number | null;
	talkSeconds: number | null;
	acwSeconds: number | null;
	/** Text channels: the first 80 characters of the message body. */
	contentPreview: string | null;
	hasRecording: boolean;
	hasTranscription: boolean;
}

/**
 * One change to one interaction, as ordered in the change log. `row` is the whole new row
 * (upsert) or null (removed). `queueIds` lists every queue the change touched (before and
 * after), so a supervisor of the queue a row left is told to remove it.
 */
export interface InteractionChange {
	seq: number;
	id: string;
	tenantId: number;
	queueIds: (number | null)[];
	row: Interaction | null;
	/** Set on removals: a removal from `active` must not erase a row already closed. */
	removedFrom?: Source;
}

/** Identifies one change log: sequences from different epochs are not comparable. */
export interface LogPosition {
	epoch: string;
	seq: number;
}

export interface TenantInfo {
	id: number;
	name: string;
	timezone: string;
}

export interface LiveSnapshot extends LogPosition {
	tenant: TenantInfo;
	/** Server clock when the snapshot was taken, so the browser can correct its own. */
	serverTime: number;
	rows: Interaction[];
}

/** One page of a keyset-paged list (history, person history): pass `nextCursor` for the next. */
export interface RowsPage {
	rows: Interaction[];
	nextCursor: string | null;
	/** With the first page of a jump to a time: how many rows of the view come before it. */
	skipped?: number;
}
