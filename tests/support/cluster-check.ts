import type { DemoTenant } from '../../scripts/lib/demo-data';
import { msToSqlTime } from '../../src/lib/server/db/time';
import { startOfZonedDay } from '../../src/lib/time/zone';
import type { Interaction, InteractionChange } from '../../src/lib/interaction';
import type { TestClient } from './client';
import type { Stack } from './stack';

/**
 * The checker of the cluster tests: what each client shows against SQL, and what each client was
 * ever sent against its scope. The scope rule is restated here on purpose, as the oracle: a
 * tenant, and either all its queues or a fixed set.
 */

export interface Watcher {
	name: string;
	client: TestClient;
	tenant: DemoTenant;
	/** Unset: every queue of the tenant. */
	queueIds?: number[];
}

export interface Verdict {
	name: string;
	/** Rows SQL says the client must show. */
	expected: number;
	/** Changes the client applied, over all its epochs. */
	applied: number;
	/** Rows SQL has that the client lacks or shows in another status, and rows it shows extra. */
	lost: number;
	/** Changes applied twice, or out of order, within one epoch. */
	doubled: number;
	/** Rows or changes the client was sent that its scope does not admit. */
	outOfScope: number;
	problems: string[];
}

/** id → status the live view of this scope must show: active rows, and closed rows of today. */
export async function scopedDatabaseView(
	stack: Stack,
	tenant: DemoTenant,
	queueIds?: number[]
): Promise<Map<string, string>> {
	const todayStart = msToSqlTime(startOfZonedDay(Date.now(), tenant.timezone));
	const queueFilter = queueIds ? ' AND queue_id IN (?)' : '';
	const params = (extra: unknown[]) => (queueIds ? [...extra, queueIds] : extra);
	const active = await stack.pbxRows<{ id: string; status: string }>(
		`SELECT id, status FROM active_interactions WHERE tenant_id = ?${queueFilter}`,
		params([tenant.id])
	);
	const closed = await stack.pbxRows<{ id: string }>(
		`SELECT id FROM closed_interactions WHERE tenant_id = ? AND created_at >= ?${queueFilter}`,
		params([tenant.id, todayStart])
	);
	return new Map([
		...active.map((r) => [String(r.id), r.status] as [string, string]),
		...closed.map((r) => [String(r.id), 'closed'] as [string, string])
	]);
}

function rowInScope(watcher: Watcher, row: Pick<Interaction, 'tenantId' | 'queueId'>): boolean {
	if (row.tenantId !== watcher.tenant.id) return false;
	return !watcher.queueIds || (row.queueId !== null && watcher.queueIds.includes(row.queueId));
}

function changeInScope(watcher: Watcher, change: InteractionChange): boolean {
	if (change.tenantId !== watcher.tenant.id) return false;
	if (change.row) return rowInScope(watcher, change.row);
	// A removal reaches a queue-limited viewer only for a row that was in one of its queues.
	return (
		!watcher.queueIds || change.queueIds.some((q) => q !== null && watcher.queueIds!.includes(q))
	);
}

/** Compares one client with SQL and audits everything it was sent. */
export function judge(watcher: Watcher, expected: Map<string, string>): Verdict {
	const { client } = watcher;
	const verdict: Verdict = {
		name: watcher.name,
		expected: expected.size,
		applied: client.appliedLog.length,
		lost: 0,
		doubled: 0,
		outOfScope: 0,
		problems: []
	};
	const shown = client.statuses();
	for (const [id, status] of expected) {
		const have = shown.get(id);
		if (have === status) continue;
		verdict.lost++;
		verdict.problems.push(`${id}: SQL ${status}, client ${have ?? 'missing'}`);
	}
	for (const [id, status] of shown) {
		if (expected.has(id)) continue;
		verdict.lost++;
		verdict.problems.push(`${id}: client ${status}, not in SQL`);
	}

	// Within an epoch every applied seq is above the one before: nothing twice, nothing back.
	const lastSeq = new Map<string | null, number>();
	for (const { epoch, change } of client.appliedLog) {
		const last = lastSeq.get(epoch) ?? 0;
		if (change.seq <= last) {
			verdict.doubled++;
			verdict.problems.push(`epoch ${epoch}: seq ${change.seq} applied after ${last}`);
		}
		lastSeq.set(epoch, Math.max(last, change.seq));
		if (!changeInScope(watcher, change)) {
			verdict.outOfScope++;
			verdict.problems.push(`change ${change.seq} (${change.id}) outside the scope`);
		}
	}
	// A lifecycle is four commits: more applied changes for one interaction is a double.
	for (const [id, count] of client.appliedPerId) {
		if (count <= 4) continue;
		verdict.doubled++;
		verdict.problems.push(`${id}: ${count} changes applied since the last snapshot`);
	}
	for (const row of client.snapshotRows) {
		if (rowInScope(watcher, row)) continue;
		verdict.outOfScope++;
		verdict.problems.push(`snapshot row ${row.id} outside the scope`);
	}
	for (const row of client.rows.values()) {
		if (rowInScope(watcher, row)) continue;
		verdict.outOfScope++;
		verdict.problems.push(`row ${row.id} shown outside the scope`);
	}
	return verdict;
}

/** Whether the client shows exactly what SQL says (the cheap test while waiting). */
export function showsExactly(client: TestClient, expected: Map<string, string>): boolean {
	if (!client.ready || client.rows.size !== expected.size) return false;
	for (const [id, row] of client.rows) if (expected.get(id) !== row.status) return false;
	return true;
}
