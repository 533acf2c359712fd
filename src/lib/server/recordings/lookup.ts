import type { RowDataPacket } from 'mysql2/promise';
import { CHANNELS, type Channel } from '$lib/interaction';
import { BIG_ID_TEXT } from '$lib/params';
import type { Transcription } from '$lib/transcript';
import { escapeId, sqlTimeToIso } from '../db';
import type { HistoryDeps } from '../history';
import { scopeSql, type Scope } from '../scope';
import { parseSegments } from './transcript';

/**
 * The one way the recording and transcription routes find an interaction: by id, under the
 * viewer's scope, so an id outside the scope reads exactly like one that does not exist.
 */

interface Deps {
	history: Pick<HistoryDeps, 'pool' | 'database'>;
}

export interface ClosedInteractionRef {
	id: string;
	tenantId: number;
	queueId: number | null;
	channel: Channel;
	/** As the PBX wrote it: relative to the recordings root, untrusted until resolved. */
	recordingFile: string | null;
	createdAt: string;
}

const MAX_BIGINT = 18446744073709551615n;

/** What a route answers (400) for an id that is not exactly one. */
export const NOT_AN_INTERACTION_ID = 'The id must be an interaction id: digits, no leading zeros';

/**
 * A BIGINT UNSIGNED interaction id as given, or null: `01` is not `1` but no id at all, as
 * docs/API.md says.
 */
export function interactionId(text: string): string | null {
	if (!BIG_ID_TEXT.test(text)) return null;
	return BigInt(text) <= MAX_BIGINT ? text : null;
}

/*
 * `CAST(? AS UNSIGNED)`: MariaDB compares a BIGINT column with a string parameter as doubles,
 * so ids above 2^53 would match their neighbours. The cast keeps the comparison exact.
 */
const ID_EQUALS = 'c.id = CAST(? AS UNSIGNED)';

export async function findClosedInScope(
	deps: Deps,
	scope: Scope,
	id: string
): Promise<ClosedInteractionRef | null> {
	const canonical = interactionId(id);
	if (canonical === null) return null;
	const params: unknown[] = [canonical];
	const inScope = scopeSql(scope, 'c', params);
	const [rows] = await deps.history.pool.query<RowDataPacket[]>(
		`SELECT c.id, c.tenant_id, c.queue_id, c.channel, c.recording_file, c.created_at
		   FROM ${escapeId(deps.history.database)}.closed_interactions c
		  WHERE ${ID_EQUALS} AND ${inScope}
		  LIMIT 1`,
		params
	);
	const row = rows[0];
	if (!row) return null;
	const channel = String(row.channel) as Channel;
	return {
		id: String(row.id),
		tenantId: Number(row.tenant_id),
		queueId: row.queue_id === null ? null : Number(row.queue_id),
		channel: CHANNELS.includes(channel) ? channel : 'voice',
		recordingFile:
			typeof row.recording_file === 'string' && row.recording_file !== ''
				? row.recording_file
				: null,
		createdAt: sqlTimeToIso(row.created_at) ?? ''
	};
}

export async function findTranscription(
	deps: Deps,
	scope: Scope,
	id: string
): Promise<Transcription | null> {
	const canonical = interactionId(id);
	if (canonical === null) return null;
	const params: unknown[] = [canonical];
	const inScope = scopeSql(scope, 'c', params);
	const database = escapeId(deps.history.database);
	const [rows] = await deps.history.pool.query<RowDataPacket[]>(
		`SELECT t.language, t.segments
		   FROM ${database}.transcriptions t
		   JOIN ${database}.closed_interactions c ON c.id = t.interaction_id
		  WHERE ${ID_EQUALS} AND ${inScope}
		  LIMIT 1`,
		params
	);
	const row = rows[0];
	if (!row) return null;
	return {
		language: typeof row.language === 'string' && row.language !== '' ? row.language : null,
		segments: parseSegments(row.segments)
	};
}
