import { messageBody } from './conversation';
import type { InteractionPlan } from './interaction-plan';
import type { ActiveRow, ClosedRow } from './pbx-sql';

/**
 * A plan's rows: the one it enters its queue with, and the closed one built from the moments its
 * phases actually happened, so wait/talk/acw seconds always agree with the timestamps beside them.
 */

export interface Moments {
	createdMs: number;
	/** Null when abandoned. */
	answeredMs: number | null;
	acwMs: number | null;
	closedMs: number;
}

/** As the interaction enters its queue (text: with the customer's opening message). */
export function activeRowOf(
	id: number,
	uniqueid: string,
	plan: InteractionPlan,
	createdMs: number,
	opening: string | null
): ActiveRow {
	return {
		id,
		uniqueid,
		tenantId: plan.tenant.id,
		queueId: plan.queue?.id ?? null,
		channel: plan.channel,
		direction: plan.direction,
		crmContactId: plan.contact?.id ?? null,
		phoneNumber: plan.phoneNumber,
		did: plan.did,
		createdMs,
		messageBody: opening
	};
}

export function closedRowOf(
	id: number,
	uniqueid: string,
	plan: InteractionPlan,
	moments: Moments,
	recordingFile: string | null
): ClosedRow {
	const body = plan.channel === 'voice' || plan.lines.length === 0 ? null : messageBody(plan.lines);
	return {
		...activeRowOf(id, uniqueid, plan, moments.createdMs, body),
		agentId: plan.agent?.id ?? null,
		answeredMs: moments.answeredMs,
		acwMs: moments.acwMs,
		closedMs: moments.closedMs,
		dispositionId: plan.disposition?.id ?? null,
		recordingFile
	};
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
