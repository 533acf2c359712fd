import { CHANNEL_LABELS, formatInZone } from '$lib/format';
import type { Interaction } from '$lib/interaction';

/**
 * Names one interaction for a reader who has scrolled away from its row: when (the tenant's
 * clock), how, where and with whom, e.g. "Voice · 2026-12-02 16:21:57 · Billing · Emily Jones".
 * A player or transcript opened from a history window says which call it is with this.
 */
export function callLabel(row: Interaction, timeZone: string): string {
	return [
		CHANNEL_LABELS[row.channel],
		formatInZone(row.createdAt, timeZone),
		row.queueName,
		row.agentName
	]
		.filter((part): part is string => Boolean(part))
		.join(' · ');
}
