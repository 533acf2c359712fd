import type { Interaction, InteractionChange } from '$lib/interaction';

/** A complete interaction row; override only what a test is about. */
export function interaction(overrides: Partial<Interaction> = {}): Interaction {
	return {
		id: '1',
		tenantId: 1,
		queueId: 1,
		queueName: 'Sales',
		channel: 'voice',
		direction: 'inbound',
		status: 'new',
		agentId: null,
		agentName: null,
		crmContactId: null,
		clientName: '+15550100',
		phoneNumber: '+15550100',
		did: '+15550999',
		dispositionId: null,
		dispositionCode: null,
		createdAt: '2026-03-10T10:00:00.000Z',
		answeredAt: null,
		acwStartedAt: null,
		closedAt: null,
		waitSeconds: null,
		talkSeconds: null,
		acwSeconds: null,
		contentPreview: null,
		hasRecording: false,
		hasTranscription: false,
		...overrides
	};
}

export function upsert(row: Interaction, seq = 1, queueIds = [row.queueId]): InteractionChange {
	return { seq, id: row.id, tenantId: row.tenantId, queueIds, row };
}

export function removal(
	row: Pick<Interaction, 'id' | 'tenantId' | 'queueId'>,
	removedFrom?: 'active' | 'closed',
	seq = 1
): InteractionChange {
	return {
		seq,
		id: row.id,
		tenantId: row.tenantId,
		queueIds: [row.queueId],
		row: null,
		...(removedFrom ? { removedFrom } : {})
	};
}
