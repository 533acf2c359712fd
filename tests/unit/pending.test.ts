import { describe, expect, it } from 'vitest';
import type { InteractionChange } from '$lib/interaction';
import type { RowChange } from '$lib/server/changelog';
import type { ChangeDraft } from '$lib/server/changelog';
import { draftCommit } from '$lib/server/live/commits';
import { PendingRows } from '$lib/server/live/pending';
import { LiveState } from '$lib/server/live/state';
import { Lookups } from '$lib/server/lookups';
import { Rng } from '../../scripts/lib/random';

/**
 * The leader maps a batch of commits before the log numbers and applies any of them
 * (LiveService: one Redis round trip per batch). Each commit must be mapped exactly as it would
 * be had the ones before it been applied already: PendingRows stands in for the applied state.
 */

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
type Raw = Record<string, unknown>;

function world() {
	const lookups = new Lookups();
	lookups.applyChange('tenants', { id: 1, name: 'Acme', timezone: 'UTC' });
	for (const [id, name] of [
		[1, 'Sales'],
		[2, 'Support']
	] as const) {
		lookups.applyChange('queues', { id, tenant_id: 1, name });
	}
	lookups.applyChange('agents', { id: 7, tenant_id: 1, name: 'Ann' });
	lookups.applyChange('dispositions', { id: 3, tenant_id: 1, code: 'SOLD', label: 'Sold' });
	const state = new LiveState(
		(id) => ({ id, name: `Tenant ${id}`, timezone: 'UTC' }),
		() => NOW
	);
	return { lookups, state };
}

function active(id: number, status: string, queueId: number): Raw {
	return {
		id: String(id),
		uniqueid: `u-${id}`,
		tenant_id: 1,
		queue_id: queueId,
		channel: 'voice',
		direction: 'inbound',
		status,
		agent_id: status === 'new' ? null : 7,
		crm_contact_id: null,
		phone_number: '+15550100',
		did: '+15550999',
		disposition_id: null,
		created_at: '2026-03-10 11:00:00.000',
		answered_at: status === 'new' ? null : '2026-03-10 11:00:20.000',
		acw_started_at: status === 'acw' ? '2026-03-10 11:05:20.000' : null,
		message_body: null,
		updated_at: '2026-03-10 11:05:20.000'
	};
}

function closed(row: Raw): Raw {
	const rest: Raw = { ...row, disposition_id: 3, closed_at: '2026-03-10 11:06:00.000' };
	delete rest.status;
	delete rest.updated_at;
	return { ...rest, wait_seconds: 20, talk_seconds: 300, acw_seconds: 40, recording_file: null };
}

const change = (table: string, before: Raw | null, after: Raw | null): RowChange => ({
	schema: 'pbxlogs',
	table,
	before,
	after
});

/** Random lifecycles, interleaved: inserts, answers, queue moves, wrap-ups, closes, deletes. */
function randomCommits(random: Rng, count: number): RowChange[][] {
	const rows = new Map<number, Raw>();
	const commits: RowChange[][] = [];
	let nextId = 1;
	while (commits.length < count) {
		const ids = [...rows.keys()];
		if (ids.length === 0 || random.chance(0.3)) {
			const row = active(nextId++, 'new', random.int(1, 2));
			rows.set(Number(row.id), row);
			commits.push([change('active_interactions', null, row)]);
			continue;
		}
		const id = random.pick(ids);
		const before = rows.get(id)!;
		const step = random.int(0, 4);
		if (step === 0) {
			const after = { ...before, status: 'active', agent_id: 7 };
			rows.set(id, after);
			commits.push([change('active_interactions', before, after)]);
		} else if (step === 1) {
			const after = { ...before, queue_id: before.queue_id === 1 ? 2 : 1 };
			rows.set(id, after);
			commits.push([change('active_interactions', before, after)]);
		} else if (step === 2) {
			const after = { ...before, status: 'acw' };
			rows.set(id, after);
			commits.push([change('active_interactions', before, after)]);
		} else if (step === 3) {
			rows.delete(id);
			// The PBX closes in one transaction; either order of its two statements.
			const close = [
				change('active_interactions', before, null),
				change('closed_interactions', null, closed(before))
			];
			commits.push(random.chance(0.5) ? close : close.reverse());
		} else {
			rows.delete(id);
			commits.push([change('active_interactions', before, null)]);
		}
	}
	return commits;
}

function numbered(drafts: ChangeDraft[], seq: { n: number }): InteractionChange[] {
	return drafts.map((draft) => ({ ...draft, seq: ++seq.n }));
}

describe('PendingRows', () => {
	it('maps a batch of commits exactly as one commit at a time would (property, seeded)', () => {
		for (let round = 0; round < 40; round++) {
			const commits = randomCommits(new Rng(9000 + round), 60);
			const oneByOne = world();
			const batched = world();
			const seqA = { n: 0 };
			const seqB = { n: 0 };
			let expected: ChangeDraft[][] = [];
			let actual: ChangeDraft[][] = [];
			// Batches of 1 to 12 commits, as the tailer hands them over.
			const random = new Rng(round);
			for (let i = 0; i < commits.length;) {
				const batch = commits.slice(i, (i += random.int(1, 12)));
				expected = batch.map((commit) => {
					const drafts = draftCommit(commit, oneByOne.lookups, oneByOne.state);
					oneByOne.state.apply(numbered(drafts, seqA));
					return drafts;
				});
				const rows = new PendingRows(batched.state);
				actual = batch.map((commit) => {
					const drafts = draftCommit(commit, batched.lookups, rows);
					rows.apply(drafts);
					return drafts;
				});
				expect(actual, `round ${round}, commits up to ${i}`).toEqual(expected);
				for (const drafts of actual) batched.state.apply(numbered(drafts, seqB));
			}
			expect([...batched.state.allRows()]).toEqual([...oneByOne.state.allRows()]);
		}
	});

	it('leaves the state alone until the log applies the entries', () => {
		const { lookups, state } = world();
		const rows = new PendingRows(state);
		rows.apply(
			draftCommit([change('active_interactions', null, active(5, 'new', 1))], lookups, rows)
		);
		expect(rows.get(1, '5')?.status).toBe('new');
		expect(state.get(1, '5')).toBeUndefined();
	});
});
