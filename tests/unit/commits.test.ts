import { describe, it, expect } from 'vitest';
import type { Interaction, InteractionChange } from '$lib/interaction';
import type { RowChange } from '$lib/server/changelog';
import type { ChangeDraft } from '$lib/server/changelog';
import { contactIdsOf, draftCommit } from '$lib/server/live/commits';
import { LiveState } from '$lib/server/live/state';
import { Lookups } from '$lib/server/lookups';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

type Raw = Record<string, unknown>;

function setup() {
	const lookups = new Lookups();
	lookups.applyChange('tenants', { id: 1, name: 'Acme', timezone: 'UTC' });
	lookups.applyChange('tenants', { id: 2, name: 'Globex', timezone: 'UTC' });
	lookups.applyChange('queues', { id: 1, tenant_id: 1, name: 'Sales' });
	lookups.applyChange('queues', { id: 2, tenant_id: 1, name: 'Support' });
	lookups.applyChange('agents', { id: 7, tenant_id: 1, name: 'Ann' });
	lookups.applyChange('agents', { id: 8, tenant_id: 1, name: 'Bob' });
	lookups.applyChange('dispositions', { id: 3, tenant_id: 1, code: 'SOLD', label: 'Sold' });
	const state = new LiveState(
		(id) => ({ id, name: `Tenant ${id}`, timezone: 'UTC' }),
		() => NOW
	);
	let seq = 0;
	/** Runs one commit through draftCommit and applies the result, as the live pipeline does. */
	const commit = (changes: RowChange[]): ChangeDraft[] => {
		const drafts = draftCommit(changes, lookups, state);
		const numbered: InteractionChange[] = drafts.map((draft) => ({ ...draft, seq: ++seq }));
		state.apply(numbered);
		return drafts;
	};
	return { lookups, state, commit };
}

function activeRaw(overrides: Raw = {}): Raw {
	return {
		id: '42',
		uniqueid: '1741600000.42',
		tenant_id: 1,
		queue_id: 1,
		channel: 'voice',
		direction: 'inbound',
		status: 'acw',
		agent_id: 7,
		crm_contact_id: null,
		phone_number: '+15550100',
		did: '+15550999',
		disposition_id: null,
		created_at: '2026-03-10 11:00:00.000',
		answered_at: '2026-03-10 11:00:20.000',
		acw_started_at: '2026-03-10 11:05:20.000',
		message_body: null,
		updated_at: '2026-03-10 11:05:20.000',
		...overrides
	};
}

function closedRaw(overrides: Raw = {}): Raw {
	// closed_interactions has no status or updated_at column.
	const rest = activeRaw();
	delete rest.status;
	delete rest.updated_at;
	return {
		...rest,
		disposition_id: 3,
		closed_at: '2026-03-10 11:06:00.000',
		wait_seconds: 20,
		talk_seconds: 300,
		acw_seconds: 40,
		recording_file: '2026/03/10/42.wav',
		...overrides
	};
}

const insert = (table: string, after: Raw): RowChange => ({
	schema: 'pbxlogs',
	table,
	before: null,
	after
});
const update = (table: string, before: Raw, after: Raw): RowChange => ({
	schema: 'pbxlogs',
	table,
	before,
	after
});
const remove = (table: string, before: Raw): RowChange => ({
	schema: 'pbxlogs',
	table,
	before,
	after: null
});

describe('buildChanges', () => {
	it('maps an insert into active to one upsert with names resolved', () => {
		const { commit, state } = setup();
		const drafts = commit([insert('active_interactions', activeRaw({ status: 'new' }))]);
		expect(drafts).toHaveLength(1);
		expect(drafts[0]).toMatchObject({ id: '42', tenantId: 1, queueIds: [1] });
		expect(drafts[0].row).toMatchObject({
			id: '42',
			status: 'new',
			queueName: 'Sales',
			agentName: 'Ann',
			createdAt: '2026-03-10T11:00:00.000Z'
		});
		expect(drafts[0]).not.toHaveProperty('removedFrom');
		expect(state.get(1, '42')?.status).toBe('new');
	});

	it.each([
		['delete active, then insert closed', true],
		['insert closed, then delete active', false]
	])('a close (%s) is exactly one upsert of the closed row', (_label, deleteFirst) => {
		const { commit, state } = setup();
		commit([insert('active_interactions', activeRaw())]);
		const close = [
			remove('active_interactions', activeRaw()),
			insert('closed_interactions', closedRaw())
		];
		const drafts = commit(deleteFirst ? close : close.reverse());
		expect(drafts).toHaveLength(1);
		const [draft] = drafts;
		expect(draft.id).toBe('42');
		expect(draft.queueIds).toEqual([1]);
		expect(draft).not.toHaveProperty('removedFrom');
		expect(draft.row).toMatchObject({
			status: 'closed',
			closedAt: '2026-03-10T11:06:00.000Z',
			talkSeconds: 300,
			acwSeconds: 40,
			waitSeconds: 20,
			dispositionCode: 'SOLD',
			hasRecording: true
		});
		expect(state.get(1, '42')?.status).toBe('closed');
		expect(state.size).toBe(1);
	});

	it('a close of a row the live state never saw is still one upsert', () => {
		const { commit } = setup();
		const drafts = commit([
			remove('active_interactions', activeRaw()),
			insert('closed_interactions', closedRaw())
		]);
		expect(drafts).toHaveLength(1);
		expect(drafts[0].row?.status).toBe('closed');
	});

	it('a delete from active alone is a removal marked as from active', () => {
		const { commit, state } = setup();
		commit([insert('active_interactions', activeRaw({ status: 'new' }))]);
		const drafts = commit([remove('active_interactions', activeRaw({ status: 'new' }))]);
		expect(drafts).toEqual([
			{ id: '42', tenantId: 1, queueIds: [1], row: null, removedFrom: 'active' }
		]);
		expect(state.get(1, '42')).toBeUndefined();
	});

	it('an update that moves the row from queue 1 to queue 2 lists both queues', () => {
		const { commit } = setup();
		commit([insert('active_interactions', activeRaw({ status: 'new' }))]);
		const drafts = commit([
			update(
				'active_interactions',
				activeRaw({ status: 'new' }),
				activeRaw({ status: 'new', queue_id: 2 })
			)
		]);
		expect(drafts).toHaveLength(1);
		expect([...drafts[0].queueIds].sort()).toEqual([1, 2]);
		expect(drafts[0].row).toMatchObject({ queueId: 2, queueName: 'Support' });
	});

	it('an update that moves a row out of any queue lists the old queue and null', () => {
		const { commit } = setup();
		commit([insert('active_interactions', activeRaw({ status: 'new' }))]);
		const drafts = commit([
			update('active_interactions', activeRaw(), activeRaw({ queue_id: null }))
		]);
		expect(drafts[0].queueIds).toEqual(expect.arrayContaining([1, null]));
		expect(drafts[0].row).toMatchObject({ queueId: null, queueName: null });
	});

	it('a transcription for a live closed row re-emits it with hasTranscription', () => {
		const { commit, state } = setup();
		commit([insert('closed_interactions', closedRaw())]);
		expect(state.get(1, '42')?.hasTranscription).toBe(false);
		const drafts = commit([
			insert('transcriptions', {
				interaction_id: '42',
				language: 'en',
				segments: '[]',
				created_at: '2026-03-10 11:10:00.000'
			})
		]);
		expect(drafts).toHaveLength(1);
		expect(drafts[0]).toMatchObject({ id: '42', tenantId: 1, queueIds: [1] });
		expect(drafts[0].row).toMatchObject({ status: 'closed', hasTranscription: true });
		expect(state.get(1, '42')?.hasTranscription).toBe(true);

		// A later update of the closed row keeps the flag.
		const later = commit([
			update('closed_interactions', closedRaw(), closedRaw({ disposition_id: null }))
		]);
		expect(later[0].row).toMatchObject({ dispositionCode: null, hasTranscription: true });
	});

	it('a transcription for an interaction not in the live state emits nothing', () => {
		const { commit } = setup();
		expect(commit([insert('transcriptions', { interaction_id: '999' })])).toEqual([]);
	});

	it('an agent rename re-emits that agent’s live rows with the new name, and only those', () => {
		const { commit, lookups } = setup();
		commit([
			insert('active_interactions', activeRaw({ id: '1', status: 'active' })),
			insert('closed_interactions', closedRaw({ id: '2' })),
			insert('active_interactions', activeRaw({ id: '3', agent_id: 8 })),
			insert('active_interactions', activeRaw({ id: '4', agent_id: null, status: 'new' }))
		]);
		const drafts = commit([
			update(
				'agents',
				{ id: 7, tenant_id: 1, name: 'Ann', extension: '201' },
				{ id: 7, tenant_id: 1, name: 'Ann Smith', extension: '201' }
			)
		]);
		expect(lookups.agents.get(7)?.name).toBe('Ann Smith');
		expect(drafts.map((d) => d.id).sort()).toEqual(['1', '2']);
		for (const draft of drafts) {
			expect(draft.row?.agentName).toBe('Ann Smith');
			expect(draft.queueIds).toEqual([1]);
		}
		const closed = drafts.find((d) => d.id === '2');
		expect(closed?.row).toMatchObject({ status: 'closed', talkSeconds: 300 });
	});

	it('a queue rename with no live rows in it emits nothing', () => {
		const { commit } = setup();
		commit([insert('active_interactions', activeRaw())]);
		const drafts = commit([
			update(
				'queues',
				{ id: 2, tenant_id: 1, name: 'Support' },
				{ id: 2, tenant_id: 1, name: 'Help' }
			)
		]);
		expect(drafts).toEqual([]);
	});

	it('ignores unknown extra columns in a raw row', () => {
		const plain = setup().commit([insert('active_interactions', activeRaw())]);
		const extra = setup().commit([
			insert(
				'active_interactions',
				activeRaw({ vendor_priority: 5, legacy_client_id: 'X-1', extra_json: '{"a":1}' })
			)
		]);
		expect(extra).toEqual(plain);
		expect(Object.keys(extra[0].row as Interaction)).not.toContain('vendor_priority');
	});

	it('keeps BIGINT ids beyond 2^53 exact', () => {
		const { commit } = setup();
		const id = '9007199254740993';
		const drafts = commit([
			insert('active_interactions', activeRaw({ id, crm_contact_id: '18446744073709551615' }))
		]);
		expect(drafts[0].id).toBe(id);
		expect(drafts[0].row).toMatchObject({ id, crmContactId: '18446744073709551615' });
	});
});

describe('contactIdsOf', () => {
	it('lists the CRM contacts referenced by interaction rows only', () => {
		expect(
			contactIdsOf([
				insert('active_interactions', activeRaw({ crm_contact_id: '11' })),
				insert('closed_interactions', closedRaw({ crm_contact_id: 12 })),
				insert('active_interactions', activeRaw({ crm_contact_id: null })),
				remove('active_interactions', activeRaw({ crm_contact_id: '13' })),
				insert('crm_contacts', { id: '14', crm_contact_id: '14' })
			])
		).toEqual(['11', '12']);
	});
});

describe('buildChanges, lookup changes later in the same commit', () => {
	// Bug: refreshNames skips every id already folded in the commit, and those rows were mapped
	// with the names as they stood when their own row event was read. A rename that follows the
	// interaction write inside one transaction is therefore never reflected until the row
	// changes again.
	it('an interaction written before an agent rename in one commit gets the new name', () => {
		const { commit } = setup();
		const drafts = commit([
			insert('active_interactions', activeRaw({ status: 'active' })),
			update('agents', { id: 7, tenant_id: 1, name: 'Ann' }, { id: 7, tenant_id: 1, name: 'Annie' })
		]);
		expect(drafts).toHaveLength(1);
		expect(drafts[0].row?.agentName).toBe('Annie');
	});

	it('an interaction written after the rename in one commit gets the new name', () => {
		const { commit } = setup();
		const drafts = commit([
			update(
				'agents',
				{ id: 7, tenant_id: 1, name: 'Ann' },
				{ id: 7, tenant_id: 1, name: 'Annie' }
			),
			insert('active_interactions', activeRaw({ status: 'active' }))
		]);
		expect(drafts).toHaveLength(1);
		expect(drafts[0].row?.agentName).toBe('Annie');
	});
});
