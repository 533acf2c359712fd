import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { Rng } from './random';
import {
	commonDispositions,
	didForQueue,
	dispositionLabels,
	e164,
	emailFor,
	localeForZone,
	personName,
	tenantSpecs
} from './demo-catalog';
import { tableRef, withTransaction } from './sql';

/**
 * The demo's lookup data (tenants, queues, agents, dispositions, CRM contacts) and the typed
 * description of it that the traffic simulator and the history generator draw from.
 */

export interface DemoQueue {
	id: number;
	name: string;
	description: string | null;
	/** The queue's inbound number; not a PBX column, derived from the queue id (stable). */
	did: string;
}

export interface DemoAgent {
	id: number;
	name: string;
	extension: string | null;
}

export interface DemoDisposition {
	id: number;
	code: string;
	label: string;
}

export interface DemoContact {
	id: number;
	name: string;
	phone: string | null;
	email: string | null;
}

export interface DemoTenant {
	id: number;
	name: string;
	timezone: string;
	/** E.164 country code (digits) used for this tenant's random caller numbers. */
	countryCode: string;
	queues: DemoQueue[];
	agents: DemoAgent[];
	dispositions: DemoDisposition[];
	contacts: DemoContact[];
}

export interface DemoLookups {
	tenants: DemoTenant[];
}

export interface SeedOptions {
	seed?: number;
	/** At least this many CRM contacts per tenant (a few dozen more at random). Default 300. */
	contactsPerTenant?: number;
}

/**
 * Inserts the demo lookups unless `tenants` already has rows (then it only reads them back), so
 * it is safe to call on every start. Deterministic for a seed.
 */
export async function seedLookups(
	pool: Pool,
	database: string,
	options: SeedOptions = {}
): Promise<DemoLookups> {
	const [existing] = await pool.query<RowDataPacket[]>(
		`SELECT COUNT(*) AS n FROM ${tableRef(database, 'tenants')}`
	);
	if (Number(existing[0].n) > 0) return loadLookups(pool, database);

	const rng = new Rng(options.seed ?? 20240611);
	const contactsPerTenant = options.contactsPerTenant ?? 300;
	const table = (name: string) => tableRef(database, name);
	await withTransaction(pool, async (conn) => {
		for (const spec of tenantSpecs) {
			const [result] = await conn.query<ResultSetHeader>(
				`INSERT INTO ${table('tenants')} (name, timezone) VALUES (?, ?)`,
				[spec.name, spec.timezone]
			);
			const tenantId = result.insertId;
			const locale = localeForZone(spec.timezone);
			const queues = spec.queues.map(([name, description]) => [tenantId, name, description]);
			await conn.query(`INSERT INTO ${table('queues')} (tenant_id, name, description) VALUES ?`, [
				queues
			]);
			const agents = Array.from({ length: spec.agents }, (_, i) => [
				tenantId,
				personName(rng, locale),
				String(tenantId * 1000 + 100 + i)
			]);
			await conn.query(`INSERT INTO ${table('agents')} (tenant_id, name, extension) VALUES ?`, [
				agents
			]);
			const codes = [...commonDispositions, ...spec.extraDispositions, 'ABANDONED'];
			const dispositions = codes.map((code) => [tenantId, code, dispositionLabels[code]]);
			await conn.query(`INSERT INTO ${table('dispositions')} (tenant_id, code, label) VALUES ?`, [
				dispositions
			]);
			const phones = new Set<string>();
			const contacts: (string | number | null)[][] = [];
			const count = contactsPerTenant + rng.int(0, 60);
			while (contacts.length < count) {
				const phone = e164(locale, locale.phone(rng));
				if (phones.has(phone)) continue;
				phones.add(phone);
				const name = personName(rng, locale);
				contacts.push([tenantId, name, phone, rng.chance(0.88) ? emailFor(rng, name) : null]);
			}
			await conn.query(
				`INSERT INTO ${table('crm_contacts')} (tenant_id, name, phone, email) VALUES ?`,
				[contacts]
			);
		}
	});
	return loadLookups(pool, database);
}

/** Reads the lookups back, so the simulator also works on a database seeded by an earlier run. */
export async function loadLookups(pool: Pool, database: string): Promise<DemoLookups> {
	const select = async (sql: string) => (await pool.query<RowDataPacket[]>(sql))[0];
	const t = (name: string) => tableRef(database, name);
	const [tenants, queues, agents, dispositions, contacts] = await Promise.all([
		select(`SELECT id, name, timezone FROM ${t('tenants')} ORDER BY id`),
		select(`SELECT id, tenant_id, name, description FROM ${t('queues')} ORDER BY id`),
		select(`SELECT id, tenant_id, name, extension FROM ${t('agents')} ORDER BY id`),
		select(`SELECT id, tenant_id, code, label FROM ${t('dispositions')} ORDER BY id`),
		select(`SELECT id, tenant_id, name, phone, email FROM ${t('crm_contacts')} ORDER BY id`)
	]);
	const of = (rows: RowDataPacket[], tenantId: number) =>
		rows.filter((row) => Number(row.tenant_id) === tenantId);
	return {
		tenants: tenants.map((row) => {
			const id = Number(row.id);
			const timezone = String(row.timezone || 'UTC');
			const locale = localeForZone(timezone);
			return {
				id,
				name: String(row.name),
				timezone,
				countryCode: locale.countryCode,
				queues: of(queues, id).map((q) => ({
					id: Number(q.id),
					name: String(q.name),
					description: q.description === null ? null : String(q.description),
					did: didForQueue(locale, Number(q.id))
				})),
				agents: of(agents, id).map((a) => ({
					id: Number(a.id),
					name: String(a.name),
					extension: a.extension === null ? null : String(a.extension)
				})),
				dispositions: of(dispositions, id).map((d) => ({
					id: Number(d.id),
					code: String(d.code),
					label: String(d.label)
				})),
				contacts: of(contacts, id).map((c) => ({
					id: Number(c.id),
					name: String(c.name),
					phone: c.phone === null ? null : String(c.phone),
					email: c.email === null ? null : String(c.email)
				}))
			};
		})
	};
}
