import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Interaction, Source } from '$lib/interaction';
import { toInteraction, type RawRow } from '../interactions/map';
import type { Lookups } from '../lookups';
import { recordingSize } from '../recordings/files';

/**
 * Turns a page of raw rows into Interactions: contact names fetched for those not cached,
 * transcription presence looked up, and Play offered only when the recording file exists.
 */
export async function enrichRows(
	pool: Pool,
	database: string,
	lookups: Lookups,
	recordingsRoot: string,
	raws: { raw: RawRow; source: Source }[]
): Promise<Interaction[]> {
	const contactIds = raws.map(({ raw }) =>
		raw.crm_contact_id === null || raw.crm_contact_id === undefined
			? null
			: String(raw.crm_contact_id)
	);
	await lookups.loadContacts(pool, lookups.missingContacts(contactIds));
	const voiceIds = raws
		.filter(({ raw, source }) => source === 'closed' && raw.channel === 'voice')
		.map(({ raw }) => String(raw.id));
	const transcribed = new Set<string>();
	if (voiceIds.length > 0) {
		const [rows] = await pool.query<RowDataPacket[]>(
			`SELECT interaction_id FROM \`${database}\`.transcriptions WHERE interaction_id IN (?)`,
			[voiceIds]
		);
		for (const row of rows) transcribed.add(String(row.interaction_id));
	}
	const rows = await Promise.all(
		raws.map(async ({ raw, source }) => {
			const row = toInteraction(raw, source, lookups, transcribed.has(String(raw.id)));
			if (row?.hasRecording) {
				row.hasRecording =
					(await recordingSize(recordingsRoot, String(raw.recording_file))) !== null;
			}
			return row;
		})
	);
	return rows.filter((row): row is Interaction => row !== null);
}
