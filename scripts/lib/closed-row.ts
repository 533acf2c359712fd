import type { InteractionPlan } from './interaction-plan';
import { messageBody } from './conversation';
import { sqlTime } from './sql';

/**
 * One closed_interactions row built from a plan and the moments its phases actually happened,
 * so wait/talk/acw seconds always agree with the timestamps beside them.
 */

export const CLOSED_COLUMNS = [
	'id',
	'uniqueid',
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
	'closed_at',
	'wait_seconds',
	'talk_seconds',
	'acw_seconds',
	'message_body',
	'recording_file'
] as const;

export type SqlValue = string | number | null;

export interface Moments {
	createdMs: number;
	/** Null when abandoned. */
	answeredMs: number | null;
	acwMs: number | null;
	closedMs: number;
}

export function closedRowValues(
	id: number,
	uniqueid: string,
	plan: InteractionPlan,
	moments: Moments,
	recordingFile: string | null
): SqlValue[] {
	const { createdMs, answeredMs, acwMs, closedMs } = moments;
	const seconds = (from: number, to: number) => Math.max(0, Math.round((to - from) / 1000));
	const waitEnd = answeredMs ?? closedMs;
	return [
		id,
		uniqueid,
		plan.tenant.id,
		plan.queue?.id ?? null,
		plan.channel,
		plan.direction,
		plan.agent?.id ?? null,
		plan.contact?.id ?? null,
		plan.phoneNumber,
		plan.did,
		plan.disposition?.id ?? null,
		sqlTime(createdMs),
		answeredMs === null ? null : sqlTime(answeredMs),
		acwMs === null ? null : sqlTime(acwMs),
		sqlTime(closedMs),
		seconds(createdMs, waitEnd),
		answeredMs === null || acwMs === null ? 0 : seconds(answeredMs, acwMs),
		acwMs === null ? 0 : seconds(acwMs, closedMs),
		plan.channel === 'voice' || plan.lines.length === 0 ? null : messageBody(plan.lines),
		recordingFile
	];
}

/** Moments for a plan played out instantly from `createdMs` (history rows). */
export function plannedMoments(plan: InteractionPlan, createdMs: number): Moments {
	const answeredMs = plan.abandoned ? null : createdMs + Math.round(plan.waitSeconds * 1000);
	const acwMs = answeredMs === null ? null : answeredMs + Math.round(plan.talkSeconds * 1000);
	const closedMs =
		acwMs === null
			? createdMs + Math.round(plan.waitSeconds * 1000)
			: acwMs + Math.round(plan.acwSeconds * 1000);
	return { createdMs, answeredMs, acwMs, closedMs };
}
