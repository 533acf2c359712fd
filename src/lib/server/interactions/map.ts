import { CHANNELS, type Channel, type Interaction, type Source } from '$lib/interaction';
import { sqlTimeToIso } from '../db';
import type { Lookups } from '../lookups';

/**
 * Maps a raw PBX row (from SQL or from the binlog, both decoded with dateStrings and exact
 * BIGINT strings) to the one typed Interaction. Extra vendor columns are ignored by
 * construction: only the columns named here are read.
 */

export type RawRow = Record<string, unknown>;

/**
 * Columns read from each table, shared by the snapshot, history and export queries. Both tables
 * have these; the message body is cut to the preview length.
 */
const SHARED_COLUMNS = [
	'id',
	'tenant_id',
	'queue_id',
	'channel',
	'direction',
	'agent_id',
	'crm_contact_id',
	'phone_number',
	'did',
	'disposition_id',
	'created_at',
	'answered_at',
	'acw_started_at',
	'LEFT(message_body, 80) AS message_body'
];

export const ACTIVE_COLUMNS = [...SHARED_COLUMNS, 'status'].join(', ');

const CLOSED_LIST = [
	...SHARED_COLUMNS,
	'closed_at',
	'wait_seconds',
	'talk_seconds',
	'acw_seconds',
	'recording_file'
];
export const CLOSED_COLUMNS = CLOSED_LIST.join(', ');

/** CLOSED_COLUMNS of the table aliased `c`, for a query that joins others (a history order). */
export const CLOSED_COLUMNS_OF_C = CLOSED_LIST.map((column) =>
	column.startsWith('LEFT(') ? column.replace('LEFT(', 'LEFT(c.') : `c.${column}`
).join(', ');

const PREVIEW_LENGTH = 80;
const TEXT_CHANNELS: ReadonlySet<Channel> = new Set(['chat', 'sms', 'whatsapp']);

function optionalNumber(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

function optionalString(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	const text = String(value);
	return text === '' ? null : text;
}

export function toInteraction(
	raw: RawRow,
	source: Source,
	lookups: Lookups,
	hasTranscription = false
): Interaction | null {
	const channel = String(raw.channel) as Channel;
	const createdAt = sqlTimeToIso(raw.created_at);
	if (raw.id === null || raw.id === undefined || !CHANNELS.includes(channel) || !createdAt) {
		return null;
	}
	const queueId = optionalNumber(raw.queue_id);
	const agentId = optionalNumber(raw.agent_id);
	const dispositionId = optionalNumber(raw.disposition_id);
	const crmContactId = optionalString(raw.crm_contact_id);
	const phoneNumber = optionalString(raw.phone_number);
	const did = optionalString(raw.did);
	const status = source === 'closed' ? 'closed' : String(raw.status);
	const body = optionalString(raw.message_body);
	const contactName = crmContactId ? lookups.contacts.get(crmContactId)?.name : undefined;
	return {
		id: String(raw.id),
		tenantId: Number(raw.tenant_id),
		queueId,
		queueName: queueId === null ? null : (lookups.queues.get(queueId)?.name ?? `#${queueId}`),
		channel,
		direction: raw.direction === 'outbound' ? 'outbound' : 'inbound',
		status: status === 'active' || status === 'acw' || status === 'closed' ? status : 'new',
		agentId,
		agentName: agentId === null ? null : (lookups.agents.get(agentId)?.name ?? `#${agentId}`),
		crmContactId,
		clientName: contactName ?? phoneNumber ?? did,
		phoneNumber,
		did,
		dispositionId,
		dispositionCode:
			dispositionId === null ? null : (lookups.dispositions.get(dispositionId)?.code ?? null),
		createdAt,
		answeredAt: sqlTimeToIso(raw.answered_at),
		acwStartedAt: sqlTimeToIso(raw.acw_started_at),
		closedAt: source === 'closed' ? sqlTimeToIso(raw.closed_at) : null,
		waitSeconds: source === 'closed' ? optionalNumber(raw.wait_seconds) : null,
		talkSeconds: source === 'closed' ? optionalNumber(raw.talk_seconds) : null,
		acwSeconds: source === 'closed' ? optionalNumber(raw.acw_seconds) : null,
		contentPreview: body && TEXT_CHANNELS.has(channel) ? body.slice(0, PREVIEW_LENGTH) : null,
		hasRecording: source === 'closed' && channel === 'voice' && Boolean(raw.recording_file),
		hasTranscription
	};
}
