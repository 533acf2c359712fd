import { METRICS, type AlertRule } from '$lib/alerts/rules';

/**
 * The rule engine: pure, with the clock passed in. It is told, for each rule, what each of its
 * subjects measures now (a queue's figure, or one interaction's seconds in its status), and
 * answers which breaches fire and which clear. It knows nothing of the database, the log or
 * the sockets, so a fake clock tests every rule of timing.
 *
 * One breach, from the first moment past the threshold to the clearance:
 * - it fires once the value has stayed past the threshold for `minDurationSeconds`;
 * - once fired, it clears once the value has stayed at or inside the clear mark (the
 *   hysteresis: a lower mark than the threshold, or higher for service level) for
 *   `clearDurationSeconds`; a value that goes back past it meanwhile starts that wait again;
 * - a subject that is gone (the contact was answered, the queue or rule removed) clears at once:
 *   it cannot come back as the same breach.
 */

/** One subject of one rule: a queue ('' subject), or one interaction of a queue. */
export interface Observation {
	ruleId: number;
	queueId: number;
	/** '' for queue-wide rules; the interaction id for per-interaction ones. */
	subject: string;
	/** In the metric's unit; null when there is nothing to measure (no calls offered yet). */
	value: number | null;
}

export interface Fire {
	kind: 'fire';
	key: string;
	rule: AlertRule;
	queueId: number;
	subject: string;
	value: number;
	/** When the value first went past the threshold (the breach began). */
	since: number;
	at: number;
}

export interface Clear {
	kind: 'clear';
	key: string;
	ruleId: number;
	queueId: number;
	subject: string;
	/** The value that cleared it; null when the subject is gone. */
	value: number | null;
	at: number;
}

export type Transition = Fire | Clear;

interface Tracked {
	ruleId: number;
	queueId: number;
	subject: string;
	/** Past the threshold since (not yet fired); null when it is not. */
	breachSince: number | null;
	/** Fired and not yet cleared. */
	open: boolean;
	/** Open and at or inside the clear mark since; null when it is not. */
	clearSince: number | null;
}

/**
 * The most open alerts one per-interaction rule keeps on one queue. A queue that floods (300
 * contacts past the mark) is one situation, for the queue-wide rules to tell: past this, more
 * contacts do not mean more toasts, webhooks and emails. A contact over the cap fires once an
 * open one clears, if it is still past the mark.
 */
export const MAX_OPEN_PER_QUEUE = 20;

export const breachKey = (ruleId: number, queueId: number, subject: string): string =>
	`${ruleId}:${queueId}:${subject}`;

/** Past the threshold: strictly over it (or under it, for service level), as tiles colour. */
export function isBreaching(rule: AlertRule, value: number | null): boolean {
	if (value === null) return false;
	return METRICS[rule.metric].direction === 'above'
		? value > rule.threshold
		: value < rule.threshold;
}

/** Back at or inside the clear mark; nothing to measure counts as clear. */
export function isClear(rule: AlertRule, value: number | null): boolean {
	if (value === null) return true;
	return METRICS[rule.metric].direction === 'above'
		? value <= rule.clearThreshold
		: value >= rule.clearThreshold;
}

export class RuleEngine {
	#tracked = new Map<string, Tracked>();
	/** Open alerts per rule and queue, during one evaluation (for MAX_OPEN_PER_QUEUE). */
	#open = new Map<string, number>();

	/** Breaches fired and not cleared: what a new evaluator continues (from the database). */
	adopt(open: readonly { ruleId: number; queueId: number; subject: string }[]): void {
		this.#tracked.clear();
		for (const { ruleId, queueId, subject } of open) {
			const key = breachKey(ruleId, queueId, subject);
			this.#tracked.set(key, { ruleId, queueId, subject, breachSince: null, open: true, clearSince: null }); // prettier-ignore
		}
	}

	/** Keys of the breaches fired and not cleared. */
	openKeys(): string[] {
		return [...this.#tracked].filter(([, t]) => t.open).map(([key]) => key);
	}

	/**
	 * Takes back a fire the store could not write: the breach is past the threshold still, and
	 * fires again at the next evaluation.
	 */
	unfire(key: string): void {
		const tracked = this.#tracked.get(key);
		if (tracked) tracked.open = false;
	}

	/** Takes back a clearance the store could not write: it clears again at the next one. */
	unclear(key: string, ruleId: number, queueId: number, subject: string, since: number): void {
		this.#tracked.set(key, { ruleId, queueId, subject, breachSince: null, open: true, clearSince: since }); // prettier-ignore
	}

	/**
	 * The earliest moment a breach waiting out its minimum duration could fire, or an open one
	 * waiting out its clear duration could clear: the evaluator looks again exactly then, so a
	 * 1 s minimum duration fires after 1 s, not at the next whole tick.
	 */
	nextDue(rules: ReadonlyMap<number, AlertRule>): number | null {
		let due: number | null = null;
		for (const tracked of this.#tracked.values()) {
			const rule = rules.get(tracked.ruleId);
			if (!rule) continue;
			const at = tracked.open
				? tracked.clearSince === null ? null : tracked.clearSince + rule.clearDurationSeconds * 1000 // prettier-ignore
				: tracked.breachSince === null ? null : tracked.breachSince + rule.minDurationSeconds * 1000; // prettier-ignore
			if (at !== null && (due === null || at < due)) due = at;
		}
		return due;
	}

	/**
	 * Evaluates `observations` at `now`. `rules` are every rule in force: an open breach of a
	 * rule not among them (deleted, disabled) clears. `complete(ruleId, queueId)` says whether the
	 * observations cover that rule and queue entirely: only then is a subject missing from them
	 * gone (a partial evaluation, of the tenants that just changed, leaves the others alone).
	 */
	evaluate(
		rules: ReadonlyMap<number, AlertRule>,
		observations: Iterable<Observation>,
		now: number,
		complete: (ruleId: number, queueId: number) => boolean = () => true
	): Transition[] {
		const transitions: Transition[] = [];
		const measured = [...observations].filter((o) => rules.has(o.ruleId));
		const seen = new Set(measured.map((o) => breachKey(o.ruleId, o.queueId, o.subject)));
		// Gone first (a contact answered, a rule deleted): their room under the cap is free now.
		for (const [key, tracked] of this.#tracked) {
			if (seen.has(key)) continue;
			const ruleGone = !rules.has(tracked.ruleId);
			if (!ruleGone && !complete(tracked.ruleId, tracked.queueId)) continue;
			this.#tracked.delete(key);
			if (tracked.open) transitions.push(clearOf(key, tracked, null, now));
		}
		this.#open = new Map();
		for (const t of this.#tracked.values()) if (t.open) this.#countOpen(t, 1);
		for (const { ruleId, queueId, subject, value } of measured) {
			const rule = rules.get(ruleId)!;
			const key = breachKey(ruleId, queueId, subject);
			let tracked = this.#tracked.get(key);
			if (!tracked) {
				if (!isBreaching(rule, value)) continue;
				tracked = { ruleId, queueId, subject, breachSince: now, open: false, clearSince: null };
				this.#tracked.set(key, tracked);
			}
			this.#step(key, tracked, rule, value, now, transitions);
		}
		return transitions;
	}

	#step(
		key: string,
		tracked: Tracked,
		rule: AlertRule,
		value: number | null,
		now: number,
		out: Transition[]
	): void {
		if (!tracked.open) {
			if (!isBreaching(rule, value)) {
				this.#tracked.delete(key);
				return;
			}
			tracked.breachSince ??= now;
			if (now - tracked.breachSince < rule.minDurationSeconds * 1000) return;
			const perInteraction = METRICS[rule.metric].perInteraction;
			if (perInteraction && (this.#open.get(`${rule.id}:${tracked.queueId}`) ?? 0) >= MAX_OPEN_PER_QUEUE) return; // prettier-ignore
			this.#countOpen(tracked, 1);
			tracked.open = true;
			tracked.clearSince = null;
			const { queueId, subject } = tracked;
			out.push({ kind: 'fire', key, rule, queueId, subject, value: value ?? 0, since: tracked.breachSince, at: now }); // prettier-ignore
			return;
		}
		if (!isClear(rule, value)) {
			tracked.clearSince = null;
			return;
		}
		tracked.clearSince ??= now;
		if (now - tracked.clearSince < rule.clearDurationSeconds * 1000) return;
		this.#tracked.delete(key);
		this.#countOpen(tracked, -1);
		out.push(clearOf(key, tracked, value, now));
	}

	#countOpen(tracked: Tracked, by: number): void {
		const key = `${tracked.ruleId}:${tracked.queueId}`;
		this.#open.set(key, (this.#open.get(key) ?? 0) + by);
	}
}

function clearOf(key: string, tracked: Tracked, value: number | null, at: number): Clear {
	const { ruleId, queueId, subject } = tracked;
	return { kind: 'clear', key, ruleId, queueId, subject, value, at };
}
