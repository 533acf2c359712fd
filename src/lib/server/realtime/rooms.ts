import type { InteractionChange } from '$lib/interaction';
import type { RowView, Scope } from '../scope';

/**
 * Socket rooms mirror the scope rule (projectChange): a whole-tenant viewer joins the tenant
 * room, a queue-scoped viewer joins one room per queue. Nobody joins both. Wall displays have
 * rooms of their own (prefix `wall:`), where changes carry only the board's fields.
 */

const prefix = (view: RowView) => (view === 'wall' ? 'wall:' : '');

export const tenantRoom = (tenantId: number, view: RowView = 'full') =>
	`${prefix(view)}tenant:${tenantId}`;
export const queueRoom = (tenantId: number, queueId: number | null, view: RowView = 'full') =>
	`${prefix(view)}tenant:${tenantId}:queue:${queueId ?? 'none'}`;

export function roomsFor(scope: Scope, view: RowView = 'full'): string[] {
	if (scope.queues === 'all') return [tenantRoom(scope.tenantId, view)];
	return [...scope.queues].map((queueId) => queueRoom(scope.tenantId, queueId, view));
}

export interface Delivery {
	to: string[];
	except: string[];
	change: InteractionChange;
}

/**
 * Who receives a change: its rooms, plus a removal for the queues it left. The change is sent
 * as given: for the wall rooms, pass it projected (viewChange).
 */
export function deliveriesOf(change: InteractionChange, view: RowView = 'full'): Delivery[] {
	const tenant = tenantRoom(change.tenantId, view);
	const queue = (queueId: number | null) => queueRoom(change.tenantId, queueId, view);
	if (change.row === null) {
		return [{ to: [tenant, ...change.queueIds.map(queue)], except: [], change }];
	}
	const here = [tenant, queue(change.row.queueId)];
	const deliveries: Delivery[] = [{ to: here, except: [], change }];
	const left = change.queueIds.filter((q) => q !== change.row?.queueId);
	if (left.length > 0) {
		const { seq, id, tenantId, queueIds } = change;
		deliveries.push({
			to: left.map(queue),
			except: here,
			change: { seq, id, tenantId, queueIds, row: null }
		});
	}
	return deliveries;
}
