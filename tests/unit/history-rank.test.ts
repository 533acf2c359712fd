import { describe, expect, it } from 'vitest';
import { keyset } from '../../src/lib/server/history/sort';
import { nameRank, NAME_ORDER } from '../../src/lib/server/history/rank';
import { Lookups } from '../../src/lib/server/lookups';

/**
 * The rank a name order sorts by (src/lib/server/history/rank.ts): equal names (case and accents
 * aside) share a rank, a name between cached ones gets the odd rank between theirs, and a name
 * order's SQL and cursors hold the viewer's tenant's names only. The SQL itself is run against
 * MariaDB in tests/integration/history-name-order.test.ts.
 */

describe('nameRank', () => {
	const rank = nameRank(
		[
			{ id: 9, name: 'bob' },
			{ id: 2, name: 'Émile' },
			{ id: 5, name: 'Bob' },
			{ id: 7, name: 'adam' },
			{ id: 8, name: '' }
		],
		'c.agent_id'
	);

	it('ranks names in collator order, equal names alike, the empty name 0', () => {
		expect(rank.rankOfName('adam')).toBe(2);
		expect(rank.rankOfName('BOB')).toBe(4);
		expect(rank.rankOfName('bob')).toBe(4);
		expect(rank.rankOfName('emile')).toBe(6);
		expect(rank.rankOfName('')).toBe(0);
		expect(NAME_ORDER.compare('Émile', 'emile')).toBe(0);
	});

	it('puts a name not cached at the odd rank where it would sort', () => {
		expect(rank.rankOfName('aaron')).toBe(1);
		expect(rank.rankOfName('alice')).toBe(3);
		expect(rank.rankOfName('Carl')).toBe(5);
		expect(rank.rankOfName('zed')).toBe(7);
	});

	it('gives back a name for a rank (a cursor), the first of equal names as listed', () => {
		expect(rank.nameOfRank(4)).toBe('bob');
		expect(rank.nameOfRank(0)).toBe('');
		expect(rank.nameOfRank(3)).toBe('');
	});

	it('writes every id with a breakpoint after it, so an id in a gap ranks 0', () => {
		expect(rank.sql).toBe(
			'CAST(COALESCE(ELT(INTERVAL(c.agent_id, 2, 3, 5, 6, 7, 8, 9, 10), 6, 0, 4, 0, 2, 0, 4, 0), 0) AS UNSIGNED)'
		);
		expect(nameRank([], 'c.queue_id').sql).toBe('0');
	});
});

describe('keyset of a name order', () => {
	const lookups = new Lookups();
	lookups.applyChange('queues', { id: 1, tenant_id: 1, name: 'Sales' });
	lookups.applyChange('queues', { id: 2, tenant_id: 2, name: 'SALES' });
	lookups.applyChange('queues', { id: 3, tenant_id: 2, name: 'Secret queue' });
	lookups.applyChange('queues', { id: 4, tenant_id: 1, name: 'Billing' });

	it("ranks the viewer's tenant's ids only, and its cursor is that tenant's name", () => {
		const k = keyset('queue', 'asc', null, [], '`pbx`', { lookups, tenantId: 1 });
		expect(k.column).toBe('CAST(COALESCE(ELT(INTERVAL(c.queue_id, 1, 2, 4, 5), 4, 0, 2, 0), 0) AS UNSIGNED)'); // prettier-ignore
		expect(k.joins).toBe('');
		expect(k.cursorOf({ sort_value: '4', id: '10' })).toEqual({ value: 'Sales', id: '10' });
		const other = keyset('queue', 'asc', null, [], '`pbx`', { lookups, tenantId: 2 });
		expect(other.cursorOf({ sort_value: '2', id: '11' })).toEqual({ value: 'SALES', id: '11' });
	});

	it('continues after a cursor by (rank, id), and follows the caches when they change', () => {
		const params: unknown[] = [];
		const k = keyset('queue', 'desc', { value: 'sales', id: '42' }, params, '`pbx`', { lookups, tenantId: 1 }); // prettier-ignore
		expect(k.after).toBe(` AND (${k.column}, c.id) < (?, CAST(? AS UNSIGNED))`);
		expect(params).toEqual([4, '42']);
		lookups.applyChange('queues', { id: 5, tenant_id: 1, name: 'Accounts' });
		const next = keyset('queue', 'asc', null, [], '`pbx`', { lookups, tenantId: 1 });
		expect(next.column).toContain('INTERVAL(c.queue_id, 1, 2, 4, 5, 6)');
	});

	it('the Client order still joins its contact (the caches hold only the contacts seen)', () => {
		const k = keyset('client', 'asc', null, [], '`pbx`', { lookups, tenantId: 1 });
		expect(k.joins).toContain('LEFT JOIN `pbx`.crm_contacts cc ON cc.id = c.crm_contact_id AND cc.tenant_id = c.tenant_id'); // prettier-ignore
	});
});
