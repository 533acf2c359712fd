import type { Interaction, Status } from '$lib/interaction';

/**
 * An interaction as the live screen showed it at an instant T, derived from the lifecycle times
 * the PBX keeps (created_at, answered_at, acw_started_at, closed_at) and, for the transcription
 * flag, the transcription's own created_at. The live state holds every row in progress plus the
 * rows created today (the tenant's day) that closed; at T that is:
 *
 * - not yet created at T: absent;
 * - closed at or before T: the closed row as it is now, if it was created on T's day, else absent
 *   (the live state drops yesterday's closed rows at midnight);
 * - otherwise in progress: New until answered_at, Active until acw_started_at, then ACW.
 *
 * What the PBX's tables cannot tell (REPLAY_LIMITS says it on screen): the columns of a row are
 * kept only in their final form. A row in progress at T therefore shows the queue and the agent
 * it ended with — a queue change or a transfer during the interaction is not recorded anywhere —
 * and no disposition (when during wrap-up it was picked is not recorded; it shows once closed).
 * The message preview is the final one. Names (queue, agent, CRM contact) are today's.
 */

/** A row's lifecycle moments as epoch ms (NaN: not reached), parsed once per row. */
export interface LifeTimes {
	createdMs: number;
	answeredMs: number;
	acwMs: number;
	closedMs: number;
}

const ms = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso));

export function lifeTimesOf(row: Interaction): LifeTimes {
	return {
		createdMs: Date.parse(row.createdAt),
		answeredMs: ms(row.answeredAt),
		acwMs: ms(row.acwStartedAt),
		closedMs: ms(row.closedAt)
	};
}

/** The last status whose moment has passed (comparisons with NaN are false: not reached). */
export function statusAt(row: Interaction, atMs: number, t = lifeTimesOf(row)): Status | null {
	if (!(t.createdMs <= atMs)) return null;
	if (t.closedMs <= atMs) return 'closed';
	if (t.acwMs <= atMs) return 'acw';
	if (t.answeredMs <= atMs) return 'active';
	return 'new';
}

/**
 * The row as the live screen held it at `atMs`, or null when the screen did not hold it.
 * `dayStartMs` is the start of T's day in the tenant's zone; `transcribedAtMs` when the
 * transcription row was written (null: none); `times` the row's moments, when already parsed.
 */
export function rowAt(
	row: Interaction,
	atMs: number,
	dayStartMs: number,
	transcribedAtMs: number | null = null,
	times = lifeTimesOf(row)
): Interaction | null {
	const status = statusAt(row, atMs, times);
	if (status === null) return null;
	if (status === 'closed') {
		if (times.createdMs < dayStartMs) return null;
		const hasTranscription = transcribedAtMs !== null && transcribedAtMs <= atMs;
		return hasTranscription === row.hasTranscription ? row : { ...row, hasTranscription };
	}
	const answered = status !== 'new';
	return {
		...row,
		status,
		// The PBX writes the agent when it answers: a waiting contact has none.
		agentId: answered ? row.agentId : null,
		agentName: answered ? row.agentName : null,
		// Picked during wrap-up at a moment the PBX does not keep: shown from the close on.
		dispositionId: null,
		dispositionCode: null,
		answeredAt: answered ? row.answeredAt : null,
		acwStartedAt: status === 'acw' ? row.acwStartedAt : null,
		closedAt: null,
		waitSeconds: null,
		talkSeconds: null,
		acwSeconds: null,
		hasRecording: false,
		hasTranscription: false
	};
}

/**
 * What a replay cannot know, said where the replayed rows and figures are shown. The 12 hours
 * are LOOKBACK_HOURS of src/lib/server/replay/day.ts.
 */
export const REPLAY_LIMITS =
	'Rebuilt from each interaction’s lifecycle times. The PBX keeps only the final queue and ' +
	'agent of an interaction, so one moved or transferred while in progress is shown in the queue ' +
	'and with the agent it ended with (and counted there in the figures); its disposition shows ' +
	'once it closed. One in progress across midnight is shown only if it began at most 12 hours ' +
	'before.';
