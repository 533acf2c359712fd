import type { RowDataPacket } from 'mysql2/promise';
import { conversationTurns } from '$lib/history/turns';
import type { Channel } from '$lib/interaction';
import type { TranscriptSegment } from '$lib/transcript';
import { escapeId } from '../db';
import { interactionId } from '../recordings/lookup';
import { scopeSql, type Scope } from '../scope';
import type { HistoryDeps } from './index';

/**
 * The whole conversation of a chat, SMS or WhatsApp interaction, in progress (the conversation
 * so far) or closed, found by id under the viewer's scope: an id outside the scope, or of a
 * voice call, reads exactly like one that does not exist. The grid and the history windows
 * carry only an 80-character preview; this is where the full text is read.
 */

export interface Conversation {
	channel: Channel;
	/** Whether the interaction is still in progress (then more may follow). */
	inProgress: boolean;
	segments: TranscriptSegment[];
}

// CAST: a BIGINT compared with a string parameter is compared as doubles (see recordings/lookup).
const ID_EQUALS = 'c.id = CAST(? AS UNSIGNED)';

export async function findConversation(
	deps: Pick<HistoryDeps, 'pool' | 'database'>,
	scope: Scope,
	id: string
): Promise<Conversation | null> {
	const canonical = interactionId(id);
	if (canonical === null) return null;
	const db = escapeId(deps.database);
	// Closed first: a row closing meanwhile is in one table or the other (one transaction).
	for (const table of ['closed_interactions', 'active_interactions'] as const) {
		const params: unknown[] = [canonical];
		const inScope = scopeSql(scope, 'c', params);
		const [rows] = await deps.pool.query<RowDataPacket[]>(
			`SELECT c.channel, c.message_body FROM ${db}.${table} c
			  WHERE ${ID_EQUALS} AND c.channel <> 'voice' AND ${inScope}
			  LIMIT 1`,
			params
		);
		const row = rows[0];
		if (!row) continue;
		const body = row.message_body === null ? '' : String(row.message_body);
		return {
			channel: String(row.channel) as Channel,
			inProgress: table === 'active_interactions',
			segments: conversationTurns(body)
		};
	}
	return null;
}
