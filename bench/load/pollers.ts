import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { keyOf, type AckTable, type KeySpace } from '../lib/keys';
import { now, sleep, summarize } from '../lib/stats';

/**
 * The polling peer: dashboards that re-read their tenant's in-progress rows and today's closed
 * rows every `intervalMs`, as a dashboard without a change stream does. A change is seen by a
 * dashboard when the first poll that returns it completes.
 */

export interface PollerOptions {
	db: { port: number; database: string };
	tenantId: number;
	/** Start of the tenant's day, as 'YYYY-MM-DD HH:MM:SS.mmm' UTC. */
	todayStart: string;
	dashboards: number;
	intervalMs: number;
	space: KeySpace;
	connections: number;
}

const COMMON =
	'id, uniqueid, tenant_id, queue_id, channel, direction, agent_id, crm_contact_id, phone_number, did, disposition_id, created_at, answered_at, acw_started_at';

interface Dashboard {
	seen: Map<string, string>;
	keys: number[];
	times: number[];
	firstPollAt: number;
	lastPollAt: number;
}

export class Pollers {
	#pool: Pool;
	#running = false;
	#loops: Promise<void>[] = [];
	#dashboards: Dashboard[] = [];
	polls = 0;
	queries = 0;
	rowsRead = 0;
	errors = 0;
	/** Polls that started later than scheduled because the previous one overran. */
	overruns = 0;

	constructor(private readonly o: PollerOptions) {
		this.#pool = mysql.createPool({
			host: '127.0.0.1',
			port: o.db.port,
			user: 'il_test',
			password: 'il_test',
			database: o.db.database,
			timezone: 'Z',
			dateStrings: true,
			supportBigNumbers: true,
			bigNumberStrings: true,
			connectionLimit: o.connections,
			// Arrays, not objects: the cheapest parse, so the simulation measures polling, not us.
			rowsAsArray: true
		});
	}

	start(): void {
		this.#running = true;
		for (let i = 0; i < this.o.dashboards; i++) {
			const dashboard: Dashboard = {
				seen: new Map(),
				keys: [],
				times: [],
				firstPollAt: 0,
				lastPollAt: 0
			};
			this.#dashboards.push(dashboard);
			this.#loops.push(this.#loop(dashboard, (i * this.o.intervalMs) / this.o.dashboards));
		}
	}

	async #loop(d: Dashboard, offsetMs: number): Promise<void> {
		await sleep(offsetMs);
		let due = now();
		while (this.#running) {
			try {
				await this.#poll(d);
			} catch {
				this.errors++;
			}
			due += this.o.intervalMs;
			const wait = due - now();
			if (wait > 0) await sleep(wait);
			else {
				this.overruns++;
				due = now();
			}
		}
	}

	async #poll(d: Dashboard): Promise<void> {
		const [active] = await this.#pool.query<RowDataPacket[][]>(
			`SELECT id, status, ${COMMON} FROM active_interactions WHERE tenant_id = ?`,
			[this.o.tenantId]
		);
		const [closed] = await this.#pool.query<RowDataPacket[][]>(
			`SELECT ${COMMON}, closed_at, wait_seconds, talk_seconds, acw_seconds
			   FROM closed_interactions WHERE tenant_id = ? AND created_at >= ?`,
			[this.o.tenantId, this.o.todayStart]
		);
		const t = now();
		this.polls++;
		this.queries += 2;
		this.rowsRead += active.length + closed.length;
		if (!this.#running) return;
		d.firstPollAt ||= t;
		d.lastPollAt = t;
		const observe = (id: string, status: string) => {
			if (d.seen.get(id) === status) return;
			d.seen.set(id, status);
			const key = keyOf(this.o.space, id, status);
			if (key >= 0) {
				d.keys.push(key);
				d.times.push(t);
			}
		};
		for (const row of active) observe(String(row[0]), String(row[1]));
		for (const row of closed) observe(String(row[0]), 'closed');
	}

	async stop() {
		this.#running = false;
		await Promise.all(this.#loops);
		await this.#pool.end();
		return { polls: this.polls, queries: this.queries, rowsRead: this.rowsRead, errors: this.errors, overruns: this.overruns }; // prettier-ignore
	}

	/**
	 * Staleness of each committed state: until a dashboard shows it, or a later state of the same
	 * interaction (which includes it). Also how many states a dashboard never showed at all.
	 */
	results(table: AckTable, offsetMs: number) {
		const staleness: number[] = [];
		let observable = 0;
		let observed = 0;
		const shown = new Float64Array(table.acks.length);
		for (const d of this.#dashboards) {
			shown.fill(NaN);
			for (let i = 0; i < d.keys.length; i++) shown[d.keys[i]] = d.times[i] - offsetMs;
			const from = d.firstPollAt - offsetMs;
			const to = d.lastPollAt - offsetMs - this.o.intervalMs;
			for (let key = 0; key < table.acks.length; key++) {
				const ack = table.acks[key];
				if (!(ack >= from && ack <= to) || table.tenantOf[key >> 2] !== this.o.tenantId) continue;
				observable++;
				if (!Number.isNaN(shown[key])) observed++;
				// The first poll showing this state or a later one of the interaction.
				let first = NaN;
				for (let later = key; later < ((key >> 2) + 1) * 4; later++) {
					if (shown[later] >= ack && !(shown[later] >= first)) first = shown[later];
				}
				if (!Number.isNaN(first)) staleness.push(first - ack);
			}
		}
		return { staleness: summarize(staleness), observable, observed };
	}
}
