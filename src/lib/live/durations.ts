import type { Interaction } from '$lib/interaction';

/** Conversation time in seconds: fixed once closed, ticking while the conversation runs. */
export function talkSeconds(row: Interaction, nowMs: number): number | null {
	if (row.status === 'closed') return row.talkSeconds;
	if (!row.answeredAt) return null;
	const end = row.status === 'acw' && row.acwStartedAt ? Date.parse(row.acwStartedAt) : nowMs;
	return Math.max(0, Math.floor((end - Date.parse(row.answeredAt)) / 1000));
}

/** After-contact work in seconds: ticking during ACW, fixed once closed. */
export function acwSeconds(row: Interaction, nowMs: number): number | null {
	if (row.status === 'closed') return row.acwSeconds;
	if (row.status !== 'acw' || !row.acwStartedAt) return null;
	return Math.max(0, Math.floor((nowMs - Date.parse(row.acwStartedAt)) / 1000));
}

/** Time waiting in queue: ticking while New, fixed once answered, or closed unanswered (abandoned). */
export function waitSeconds(row: Interaction, nowMs: number): number {
	if (row.status === 'closed' && row.waitSeconds !== null) return row.waitSeconds;
	// Abandoned: the wait ended when the contact left, not now.
	const left = row.status === 'closed' && row.closedAt ? Date.parse(row.closedAt) : nowMs;
	const end = row.answeredAt ? Date.parse(row.answeredAt) : left;
	return Math.max(0, Math.floor((end - Date.parse(row.createdAt)) / 1000));
}

export function formatSeconds(seconds: number | null): string {
	if (seconds === null) return '';
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${m}:${ss}`;
}
