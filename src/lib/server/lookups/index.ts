import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { TenantInfo } from '$lib/interaction';
import { isValidTimeZone } from '$lib/time/zone';

/**
 * Name caches for the PBX lookup tables. Loaded once at snapshot time, then kept current from
 * the binlog (applyChange). CRM contacts can number millions: only those seen are cached.
 */

export interface QueueInfo {
	id: number;
	tenantId: number;
	name: string;
}
export interface AgentInfo {
	id: number;
	tenantId: number;
	name: string;
}
export interface DispositionInfo {
	id: number;
	tenantId: number;
	code: string;
	label: string;
}
export interface ContactInfo {
	id: string;
	tenantId: number;
	name: string;
}

export const LOOKUP_TABLES = [
	'tenants',
	'queues',
	'agents',
	'dispositions',
	'crm_contacts'
] as const;
export type LookupTable = (typeof LOOKUP_TABLES)[number];

const MAX_CACHED_CONTACTS = 200_000;

type Row = Record<string, unknown>;
type Queryable = Pick<Pool | PoolConnection, 'query'>;

export class Lookups {
	readonly tenants = new Map<number, TenantInfo>();
	readonly queues = new Map<number, QueueInfo>();
	readonly agents = new Map<number, AgentInfo>();
	readonly dispositions = new Map<number, DispositionInfo>();
	readonly contacts = new Map<string, ContactInfo>();
	/** Counts changes to tenants, queues, agents and dispositions (what caches built on them check). */
	revision = 0;

	async load(db: Queryable): Promise<void> {
		const select = async (sql: string) => (await db.query<RowDataPacket[]>(sql))[0] as Row[];
		const tenants = await select('SELECT id, name, timezone FROM tenants');
		const queues = await select('SELECT id, tenant_id, name FROM queues');
		const agents = await select('SELECT id, tenant_id, name FROM agents');
		const dispositions = await select('SELECT id, tenant_id, code, label FROM dispositions');
		// Replaced in one turn, after every read: a node re-syncing (a new epoch, a standalone
		// switch) never answers a subscribe from half-empty caches ("No such tenant").
		this.tenants.clear();
		this.queues.clear();
		this.agents.clear();
		this.dispositions.clear();
		this.revision++;
		for (const row of tenants) this.applyChange('tenants', row);
		for (const row of queues) this.applyChange('queues', row);
		for (const row of agents) this.applyChange('agents', row);
		for (const row of dispositions) this.applyChange('dispositions', row);
	}

	/** Ids not yet cached, for one batched query before rows that reference them are mapped. */
	missingContacts(ids: Iterable<string | null>): string[] {
		const missing = new Set<string>();
		for (const id of ids) if (id !== null && !this.contacts.has(id)) missing.add(id);
		return [...missing];
	}

	async loadContacts(db: Queryable, ids: string[]): Promise<void> {
		for (let i = 0; i < ids.length; i += 1000) {
			const chunk = ids.slice(i, i + 1000);
			const [rows] = await db.query<RowDataPacket[]>(
				'SELECT id, tenant_id, name FROM crm_contacts WHERE id IN (?)',
				[chunk]
			);
			for (const row of rows) this.applyChange('crm_contacts', row);
		}
	}

	/** Applies a lookup row from SQL or the binlog; `row` null removes `before`. */
	applyChange(table: LookupTable, row: Row | null, before?: Row): void {
		const key = row ?? before;
		if (!key) return;
		if (table !== 'crm_contacts') this.revision++;
		const id = Number(key.id);
		switch (table) {
			case 'tenants': {
				if (!row) return void this.tenants.delete(id);
				const timezone = String(row.timezone ?? 'UTC');
				this.tenants.set(id, {
					id,
					name: String(row.name),
					timezone: isValidTimeZone(timezone) ? timezone : 'UTC'
				});
				return;
			}
			case 'queues':
				if (!row) return void this.queues.delete(id);
				this.queues.set(id, { id, tenantId: Number(row.tenant_id), name: String(row.name) });
				return;
			case 'agents':
				if (!row) return void this.agents.delete(id);
				this.agents.set(id, { id, tenantId: Number(row.tenant_id), name: String(row.name) });
				return;
			case 'dispositions':
				if (!row) return void this.dispositions.delete(id);
				this.dispositions.set(id, {
					id,
					tenantId: Number(row.tenant_id),
					code: String(row.code),
					label: String(row.label)
				});
				return;
			case 'crm_contacts': {
				const contactId = String(key.id);
				if (!row) return void this.contacts.delete(contactId);
				if (this.contacts.size >= MAX_CACHED_CONTACTS) this.evictOldestContacts();
				this.contacts.delete(contactId);
				this.contacts.set(contactId, {
					id: contactId,
					tenantId: Number(row.tenant_id),
					name: String(row.name)
				});
				return;
			}
		}
	}

	private evictOldestContacts(): void {
		let toDrop = MAX_CACHED_CONTACTS / 10;
		for (const id of this.contacts.keys()) {
			if (toDrop-- <= 0) break;
			this.contacts.delete(id);
		}
	}
}
