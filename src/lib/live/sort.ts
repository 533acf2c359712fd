import type { SortKey } from '$lib/filters';
import type { Interaction } from '$lib/interaction';
import { acwSeconds, talkSeconds } from './durations';

/** Orders rows by a grid column; ties fall back to Created then id so the order is stable. */
export function compareRows(key: SortKey, dir: 'asc' | 'desc', nowMs: number) {
	const value = (row: Interaction): string | number => {
		switch (key) {
			case 'created':
				return row.createdAt;
			case 'closed':
				return row.closedAt ?? '';
			case 'channel':
				return row.channel;
			case 'queue':
				return row.queueName ?? '';
			case 'agent':
				return row.agentName ?? '';
			case 'client':
				return row.clientName ?? '';
			case 'did':
				return row.did ?? '';
			case 'disposition':
				return row.dispositionCode ?? '';
			case 'duration':
				return talkSeconds(row, nowMs) ?? -1;
			case 'acw':
				return acwSeconds(row, nowMs) ?? -1;
			case 'status':
				return ['new', 'active', 'acw', 'closed'].indexOf(row.status);
		}
	};
	const sign = dir === 'asc' ? 1 : -1;
	return (a: Interaction, b: Interaction): number => {
		const va = value(a);
		const vb = value(b);
		if (va < vb) return -sign;
		if (va > vb) return sign;
		if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -sign : sign;
		return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
	};
}
