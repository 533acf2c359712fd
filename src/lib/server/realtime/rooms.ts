import type { InteractionChange } from '$lib/interaction';
import type { Scope } from '../scope';

/**
 * Socket rooms mirror the scope rule (projectChange): a whole-tenant viewer joins the tenant
 * room, a queue-scoped viewer joins one room per queue. Nobody joins both.
 */

export const tenantRoom = (tenantId: number) => `tenant:${tenantId}`;
export const queueRoom = (tenantId: number, queueId: number | null) =>
	`tenant:${tenantId}:queue:${queueId ?? 'none'}`;

/**
 * Every subscribed socket, whatever its scope: the heartbeat's audience. A socket that is only
 * connected has no live view to keep fresh.
 */
export const LIVE_ROOM = 'live';

export function roomsFor(scope: Scope): string[] {
	if (scope.queues === 'all') return [tenantRoom(scope.tenantId)];
	return [...scope.queues].map((queueId) => queueRoom(scope.tenantId, queueId));
}

export interface Delivery {
	to: string[];
	except: string[];
	change: InteractionChange;
}

/** Who receives a change: its rooms, plus a removal for the queues it left. */
export function deliveriesOf(change: InteractionChange): Delivery[] {
	const tenant = tenantRoom(change.tenantId);
	if (change.row === null) {
		const to = [tenant, ...change.queueIds.map((q) => queueRoom(change.tenantId, q))];
		return [{ to, except: [], change }];
	}
	const here = [tenant, queueRoom(change.tenantId, change.row.queueId)];
	const deliveries: Delivery[] = [{ to: here, except: [], change }];
	const left = change.queueIds.filter((q) => q !== change.row?.queueId);
	if (left.length > 0) {
		const { seq, id, tenantId, queueIds } = change;
		deliveries.push({
			to: left.map((q) => queueRoom(change.tenantId, q)),
			except: here,
			change: { seq, id, tenantId, queueIds, row: null }
		});
	}
	return deliveries;
}
