import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import { Rng } from './random';
import type { DemoLookups, DemoTenant } from './demo-data';
import { formatLine, segmentsFor } from './conversation';
import { PbxWriter } from './pbx-writes';
import { activeRowOf } from './plan-rows';
import {
	type AgentPicker,
	type InteractionPlan,
	pickTenant,
	planInteraction,
	recordingPath,
	uniqueIdFor
} from './interaction-plan';
import { MAX_SECONDS, writeToneWav } from './wav';

/**
 * Plays the PBX: starts interactions at a Poisson rate and walks each through
 * new → active → acw → closed with the same SQL a PBX issues, so the dashboard's binlog tailer
 * sees exactly the row changes it will see in production.
 */

export interface SimulatorOptions {
	pool: Pool;
	database: string;
	recordingsRoot: string;
	lookups: DemoLookups;
	/** New interactions per (real) second, across all tenants. */
	ratePerSecond: number;
	/** Time compression: 1 = realistic phase lengths, 10 = ten times faster. */
	speed?: number;
	seed?: number;
	log?: (message: string) => void;
}

export interface SimulatorCounters {
	started: number;
	answered: number;
	abandoned: number;
	closed: number;
	transcribed: number;
	errors: number;
	inProgress: number;
}

export class TrafficSimulator {
	readonly #options: Required<Omit<SimulatorOptions, 'seed'>>;
	readonly #rng: Rng;
	readonly #pbx: PbxWriter;
	readonly #inFlight = new Set<Promise<void>>();
	/** Wakers of pending sleeps: stop() calls them so lifecycles finish at once. */
	readonly #sleepers = new Set<() => void>();
	readonly #agentLoad = new Map<number, number>();
	#arrivalTimer: NodeJS.Timeout | null = null;
	#running = false;
	#draining = false;
	#lastId = 0;
	#sequence = 0;
	#lastFailureLog = 0;
	#suppressedFailures = 0;
	#counts = { started: 0, answered: 0, abandoned: 0, closed: 0, transcribed: 0, errors: 0 };

	constructor(options: SimulatorOptions) {
		if (!(options.ratePerSecond > 0)) throw new Error('ratePerSecond must be > 0');
		const speed = options.speed ?? 1;
		if (!(speed > 0)) throw new Error('speed must be > 0');
		this.#options = { ...options, speed, log: options.log ?? ((m) => console.error(m)) };
		this.#rng = new Rng(options.seed ?? Date.now());
		this.#pbx = new PbxWriter(options.pool, options.database);
		pickTenant(this.#rng, options.lookups); // fail now, not on the first timer, if unusable
	}

	get counters(): SimulatorCounters {
		return { ...this.#counts, inProgress: this.#inFlight.size };
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#draining = false;
		this.#scheduleArrival();
	}

	/**
	 * Stops new arrivals and fast-forwards every interaction in flight to its close, so no row is
	 * left behind in active_interactions (the dashboard would show it ticking forever).
	 */
	async stop(): Promise<void> {
		this.#running = false;
		if (this.#arrivalTimer) clearTimeout(this.#arrivalTimer);
		this.#arrivalTimer = null;
		this.#draining = true;
		for (const wake of [...this.#sleepers]) wake();
		await Promise.allSettled([...this.#inFlight]);
	}

	#scheduleArrival(): void {
		const delay = this.#rng.exponential(this.#options.ratePerSecond) * 1000;
		this.#arrivalTimer = setTimeout(() => {
			if (!this.#running) return;
			this.#launch();
			this.#scheduleArrival();
		}, delay);
	}

	#launch(): void {
		const rng = new Rng(this.#rng.int(0, 2 ** 31));
		const tenant = pickTenant(rng, this.#options.lookups);
		const plan = planInteraction(rng, tenant, this.#leastBusyAgent);
		const id = this.#nextId();
		const run = this.#lifecycle(id, plan, rng)
			.catch((error: unknown) => this.#logFailure(id, error))
			.finally(() => this.#inFlight.delete(run));
		this.#inFlight.add(run);
	}

	/** One line a second at most: with the database gone, every interaction fails at once. */
	#logFailure(id: number, error: unknown): void {
		this.#counts.errors++;
		const now = Date.now();
		if (now - this.#lastFailureLog < 1000) {
			this.#suppressedFailures++;
			return;
		}
		const message = error instanceof Error ? error.message : String(error);
		const more = this.#suppressedFailures > 0 ? ` (+${this.#suppressedFailures} more failed)` : '';
		this.#options.log(`simulator: interaction ${id} failed: ${message}${more}`);
		this.#lastFailureLog = now;
		this.#suppressedFailures = 0;
	}

	/** Epoch microseconds (≥ 10^15, above history ids), strictly increasing across restarts. */
	#nextId(): number {
		this.#lastId = Math.max(Date.now() * 1000, this.#lastId + 1);
		return this.#lastId;
	}

	/** Of three random agents, the one with fewest interactions in hand: spreads the load. */
	readonly #leastBusyAgent: AgentPicker = (tenant: DemoTenant, rng: Rng) => {
		const candidates = [rng.pick(tenant.agents), rng.pick(tenant.agents), rng.pick(tenant.agents)];
		const load = (id: number) => this.#agentLoad.get(id) ?? 0;
		return candidates.reduce((best, a) => (load(a.id) < load(best.id) ? a : best));
	};

	async #lifecycle(id: number, plan: InteractionPlan, rng: Rng): Promise<void> {
		const pbx = this.#pbx;
		const createdMs = Date.now();
		const uniqueid = uniqueIdFor(plan.channel, createdMs, ++this.#sequence);
		const [opening = null, ...rest] = plan.channel === 'voice' ? [] : plan.lines.map(formatLine);
		this.#counts.started++;
		await pbx.insertActive([activeRowOf(id, uniqueid, plan, createdMs, opening)]);
		await this.#sleep(plan.waitSeconds);
		// Some PBX setups tag an abandon with a disposition at its close (see the plan).
		const dispositionId = plan.disposition?.id ?? null;
		if (plan.abandoned || !plan.agent) {
			await pbx.close(id, { dispositionId });
			this.#counts.abandoned++;
			this.#counts.closed++;
			return;
		}
		const agentId = plan.agent.id;
		this.#agentLoad.set(agentId, (this.#agentLoad.get(agentId) ?? 0) + 1);
		try {
			const answeredMs = Date.now();
			await pbx.answer(id, agentId, answeredMs);
			this.#counts.answered++;
			// Text sessions grow line by line; a voice call is one silent stretch of talk time.
			const steps = Math.max(1, rest.length);
			for (let i = 0; i < steps; i++) {
				await this.#sleep(plan.talkSeconds / steps);
				if (i < rest.length) await pbx.appendMessage(id, rest[i]);
			}
			const acwMs = Date.now();
			await pbx.startAcw(id, acwMs);
			// The agent picks the disposition part-way through wrap-up, as a real one would.
			await this.#sleep(plan.acwSeconds / 2);
			await pbx.setDisposition(id, dispositionId);
			await this.#sleep(plan.acwSeconds / 2);
			const recording = plan.recorded ? recordingPath(plan.tenant.id, createdMs, id) : null;
			// The file exists before the row that points at it becomes visible.
			const turns = recording
				? await writeToneWav(
						join(this.#options.recordingsRoot, recording),
						Math.min(MAX_SECONDS, Math.max(4, (acwMs - answeredMs) / 1000)),
						rng.int(0, 2 ** 31),
						plan.lines.length
					)
				: [];
			await pbx.close(id, { dispositionId, recordingFile: recording });
			this.#counts.closed++;
			if (!recording) return;
			// The speech-to-text job runs a little after the call closes.
			await this.#sleep(rng.float(1, 5));
			await pbx.insertTranscription(id, segmentsFor(plan.lines, turns));
			this.#counts.transcribed++;
		} finally {
			this.#agentLoad.set(agentId, (this.#agentLoad.get(agentId) ?? 1) - 1);
		}
	}

	/** Waits `realSeconds / speed`, or not at all once stopping. */
	#sleep(realSeconds: number): Promise<void> {
		if (this.#draining || realSeconds <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const wake = () => {
				clearTimeout(timer);
				this.#sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, (realSeconds * 1000) / this.#options.speed);
			this.#sleepers.add(wake);
		});
	}
}
