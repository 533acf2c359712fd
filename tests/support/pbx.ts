import type { Channel } from '../../scripts/lib/interaction-plan';
import type { ActiveRow } from '../../scripts/lib/pbx-sql';
import { PbxWriter } from '../../scripts/lib/pbx-writes';

/**
 * The PBX's lifecycle as the simulator writes it (scripts/lib/pbx-writes.ts), with test defaults
 * for what a test does not care about: insert New, answer, ACW, close.
 */

export interface NewInteraction {
	id: number;
	tenantId: number;
	queueId: number | null;
	channel?: Channel;
	phone?: string;
	did?: string;
	crmContactId?: number | null;
	createdAt?: Date;
}

/** The row of an interaction entering its queue (now, unless said). */
export function newRow(i: NewInteraction): ActiveRow {
	return {
		id: i.id,
		uniqueid: `u-${i.id}`,
		tenantId: i.tenantId,
		queueId: i.queueId,
		channel: i.channel ?? 'voice',
		crmContactId: i.crmContactId ?? null,
		phoneNumber: i.phone ?? '+15550100',
		did: i.did ?? '+15550999',
		createdMs: i.createdAt?.getTime() ?? Date.now()
	};
}

export class TestPbx extends PbxWriter {
	insertNew(i: NewInteraction): Promise<void> {
		return this.insertActive([newRow(i)]);
	}
}
