import type { DemoTenant } from '../../scripts/lib/demo-data';
import type { Stack } from './stack';
import type { Contact } from './wall-pbx';

/**
 * The widest figures a wall tile can show, from real PBX rows: four-digit counts in every
 * status, a longest wait over an hour (1:06:28), averages in h:mm:ss, and every hour of the
 * chart with answered and abandoned contacts. Half the queues also get the widest thresholds
 * (an amber mark "over 1:00:00", "SL ≤ 86400s" at "100%"); the others miss their goal ("0%▼").
 * Needs a server clock at least 3 h into the tenant's day.
 */

export const PER_STATUS = 1_000;
/** 1:06:28, the longest wait the issue saw overlap the Active figure. */
export const LONGEST_WAIT_S = 3_988;

export function widestTraffic(tenant: DemoTenant, nowMs: number, dayStartMs: number): Contact[] {
	const hours = Math.floor((nowMs - dayStartMs) / 3_600_000) - 2;
	const contacts: Contact[] = [];
	for (const queue of tenant.queues) {
		const ago = (s: number) => nowMs - s * 1_000;
		for (let i = 0; i < PER_STATUS; i++) {
			contacts.push(
				{ queue: queue.id, createdMs: i === 0 ? ago(LONGEST_WAIT_S) : ago(5 + (i % 50)) },
				{ queue: queue.id, createdMs: ago(4_000 + i), answeredMs: ago(300 + i) },
				{
					queue: queue.id,
					createdMs: ago(6_000 + i),
					answeredMs: ago(2_000 + i),
					acwMs: ago(10 + i)
				}
			);
			// Waits and handle times over an hour; every fifth abandoned; spread over the day.
			const createdMs = dayStartMs + (i % hours) * 3_600_000 + 60_000;
			const abandoned = i % 5 === 0;
			const answeredMs = abandoned ? null : createdMs + 3_700_000;
			const acwMs = answeredMs === null ? null : answeredMs + 3_700_000;
			const closedMs = (acwMs ?? createdMs + 3_700_000) + 60_000;
			contacts.push({ queue: queue.id, createdMs, answeredMs, acwMs, closedMs });
		}
	}
	return contacts;
}

/** The widest thresholds on every other queue; the wall test's reset deletes them. */
export async function widestThresholds(stack: Stack, tenant: DemoTenant): Promise<void> {
	const rows = tenant.queues
		.filter((_, i) => i % 2 === 0)
		.map((q) => [tenant.id, q.id, 3_600, 86_400, 600, 900, 60, 120, 86_400, 100]);
	await stack.admin.query(
		`INSERT INTO \`${stack.dashDb}\`.queue_thresholds (tenant_id, queue_id, wait_amber_seconds,
		   wait_red_seconds, talk_amber_seconds, talk_red_seconds, acw_amber_seconds, acw_red_seconds,
		   service_level_seconds, service_level_target_pct) VALUES ?`,
		[rows]
	);
}
