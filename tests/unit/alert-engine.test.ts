import { describe, expect, it } from 'vitest';
import type { AlertRule } from '$lib/alerts/rules';
import { startOfZonedDay } from '$lib/time/zone';
import {
	MAX_OPEN_PER_QUEUE,
	RuleEngine,
	type Observation
} from '../../src/lib/server/alerts/engine';
import { observeTenant } from '../../src/lib/server/alerts/observe';
import { interaction } from './fixtures';

const rule = (overrides: Partial<AlertRule> = {}): AlertRule => ({
	id: 1,
	tenantId: 1,
	queueId: 10,
	metric: 'longest-wait',
	level: 'warning',
	threshold: 60,
	minDurationSeconds: 5,
	clearThreshold: 30,
	clearDurationSeconds: 10,
	channels: ['screens'],
	enabled: true,
	...overrides
});

/** A fake clock: evaluations happen at the seconds the test names. */
function run(rules: AlertRule[], engine = new RuleEngine()) {
	const byId = new Map(rules.map((r) => [r.id, r]));
	return (second: number, observations: Omit<Observation, 'ruleId'>[], ruleId = rules[0].id) =>
		engine
			.evaluate(
				byId,
				observations.map((o) => ({ ruleId, ...o })),
				second * 1000
			)
			.map((t) => `${t.kind}@${second}${t.subject ? `:${t.subject}` : ''}`);
}
const queue = (value: number | null) => [{ queueId: 10, subject: '', value }];

describe('RuleEngine: minimum duration', () => {
	it('fires once the value has stayed past the threshold for the minimum duration', () => {
		const at = run([rule()]);
		expect(at(0, queue(61))).toEqual([]);
		expect(at(4, queue(65))).toEqual([]);
		expect(at(5, queue(66))).toEqual(['fire@5']);
		expect(at(6, queue(67))).toEqual([]); // once per breach
		expect(at(30, queue(90))).toEqual([]);
	});

	it('does not fire for a spike shorter than the minimum duration', () => {
		const at = run([rule()]);
		expect(at(0, queue(61))).toEqual([]);
		expect(at(3, queue(60))).toEqual([]); // at the threshold is not past it
		expect(at(4, queue(61))).toEqual([]); // a new breach starts its wait again
		expect(at(8, queue(61))).toEqual([]);
		expect(at(9, queue(61))).toEqual(['fire@9']);
	});

	it('fires at once with a minimum duration of zero', () => {
		const at = run([rule({ minDurationSeconds: 0 })]);
		expect(at(0, queue(61))).toEqual(['fire@0']);
	});
});

describe('RuleEngine: when to look again', () => {
	it('names the moment a waiting breach could fire, then the moment an open one could clear', () => {
		const engine = new RuleEngine();
		const rules = new Map([[1, rule({ minDurationSeconds: 1, clearDurationSeconds: 10 })]]);
		const seen = (value: number) => [{ ruleId: 1, queueId: 10, subject: '', value }];
		expect(engine.nextDue(rules)).toBeNull();
		engine.evaluate(rules, seen(61), 500);
		expect(engine.nextDue(rules)).toBe(1_500); // not the next whole second
		expect(engine.evaluate(rules, seen(61), 1_500).map((t) => t.kind)).toEqual(['fire']);
		expect(engine.nextDue(rules)).toBeNull();
		engine.evaluate(rules, seen(0), 2_000);
		expect(engine.nextDue(rules)).toBe(12_000);
	});
});

describe('RuleEngine: hysteresis', () => {
	it('clears only after the value stays at or under the clear mark for the clear duration', () => {
		const at = run([rule({ minDurationSeconds: 0 })]);
		expect(at(0, queue(90))).toEqual(['fire@0']);
		expect(at(1, queue(45))).toEqual([]); // under the threshold, not under the clear mark
		expect(at(20, queue(45))).toEqual([]);
		expect(at(21, queue(30))).toEqual([]); // at the mark: the clear wait starts
		expect(at(30, queue(10))).toEqual([]);
		expect(at(31, queue(10))).toEqual(['clear@31']);
		expect(at(32, queue(10))).toEqual([]);
	});

	it('starts the clear wait again when the value rises above the clear mark meanwhile', () => {
		const at = run([rule({ minDurationSeconds: 0 })]);
		expect(at(0, queue(90))).toEqual(['fire@0']);
		expect(at(1, queue(0))).toEqual([]);
		expect(at(9, queue(31))).toEqual([]); // flapped back up
		expect(at(10, queue(0))).toEqual([]);
		expect(at(19, queue(0))).toEqual([]);
		expect(at(20, queue(0))).toEqual(['clear@20']);
	});

	it('is a new breach after a clearance: it fires again', () => {
		const at = run([rule({ minDurationSeconds: 0, clearDurationSeconds: 0 })]);
		expect(at(0, queue(90))).toEqual(['fire@0']);
		expect(at(1, queue(0))).toEqual(['clear@1']);
		expect(at(2, queue(90))).toEqual(['fire@2']);
	});

	it('fires below the threshold and clears at or over the clear mark for service level', () => {
		const sl = rule({ metric: 'service-level', threshold: 80, clearThreshold: 85, minDurationSeconds: 0, clearDurationSeconds: 0 }); // prettier-ignore
		const at = run([sl]);
		expect(at(0, queue(null))).toEqual([]); // nothing offered yet: no figure, no alert
		expect(at(1, queue(80))).toEqual([]);
		expect(at(2, queue(79.5))).toEqual(['fire@2']);
		expect(at(3, queue(84))).toEqual([]);
		expect(at(4, queue(85))).toEqual(['clear@4']);
	});
});

describe('RuleEngine: per-interaction rules and continuity', () => {
	const perCall = rule({ metric: 'interaction-wait', threshold: 30, clearThreshold: 30, minDurationSeconds: 0 }); // prettier-ignore

	it('fires once per interaction and clears an interaction that stopped waiting at once', () => {
		const at = run([perCall]);
		const calls = (a: number, b?: number) => [
			{ queueId: 10, subject: 'a', value: a },
			...(b === undefined ? [] : [{ queueId: 10, subject: 'b', value: b }])
		];
		expect(at(0, calls(31, 5))).toEqual(['fire@0:a']);
		expect(at(26, calls(57, 31))).toEqual(['fire@26:b']);
		expect(at(27, calls(58))).toEqual(['clear@27:b']); // b was answered: it cannot come back
	});

	it('keeps at most MAX_OPEN_PER_QUEUE open per rule and queue; the next fires when one clears', () => {
		const at = run([perCall]);
		const calls = (n: number, from = 0) =>
			Array.from({ length: n }, (_, i) => ({ queueId: 10, subject: `c${from + i}`, value: 60 }));
		expect(at(0, calls(MAX_OPEN_PER_QUEUE + 5))).toHaveLength(MAX_OPEN_PER_QUEUE);
		expect(at(1, calls(MAX_OPEN_PER_QUEUE + 5))).toEqual([]);
		// c0 is answered: its alert clears, and the oldest contact over the cap fires.
		expect(at(2, calls(MAX_OPEN_PER_QUEUE + 4, 1))).toEqual(['clear@2:c0', `fire@2:c${MAX_OPEN_PER_QUEUE}`]); // prettier-ignore
	});

	it('continues the open breaches it adopts instead of firing them again', () => {
		const engine = new RuleEngine();
		engine.adopt([{ ruleId: 1, queueId: 10, subject: '' }]);
		const at = run([rule({ minDurationSeconds: 0, clearDurationSeconds: 0 })], engine);
		expect(at(0, queue(90))).toEqual([]);
		expect(at(1, queue(0))).toEqual(['clear@1']);
	});

	it('clears the open breaches of a rule deleted or disabled', () => {
		const engine = new RuleEngine();
		const at = run([rule({ minDurationSeconds: 0 })], engine);
		expect(at(0, queue(90))).toEqual(['fire@0']);
		expect(engine.evaluate(new Map(), [], 1000).map((t) => t.kind)).toEqual(['clear']);
	});

	it('leaves breaches of rules it did not observe alone in a partial evaluation', () => {
		const engine = new RuleEngine();
		const rules = new Map([[1, rule({ minDurationSeconds: 0 })]]);
		engine.evaluate(rules, [{ ruleId: 1, queueId: 10, subject: '', value: 90 }], 0);
		expect(engine.evaluate(rules, [], 1000, () => false)).toEqual([]);
		expect(engine.openKeys()).toEqual(['1:10:']);
	});

	it('fires again at the next evaluation when the store could not write the fire', () => {
		const engine = new RuleEngine();
		const rules = new Map([[1, rule({ minDurationSeconds: 0 })]]);
		const seen = [{ ruleId: 1, queueId: 10, subject: '', value: 90 }];
		const [fire] = engine.evaluate(rules, seen, 0);
		engine.unfire(fire.key);
		expect(engine.evaluate(rules, seen, 1000).map((t) => t.kind)).toEqual(['fire']);
	});
});

describe('observeTenant: the figures of $lib/queues', () => {
	const TZ = 'UTC';
	const NOW = Date.parse('2026-03-10T15:00:00Z');
	const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
	const input = (rows: ReturnType<typeof interaction>[]) => ({
		tenantId: 1,
		timeZone: TZ,
		todayStartMs: startOfZonedDay(NOW, TZ),
		queueIds: [10, 11],
		rows,
		thresholds: new Map()
	});
	const rows = [
		interaction({ id: 'w1', queueId: 10, status: 'new', createdAt: ago(95) }),
		interaction({ id: 'w2', queueId: 10, status: 'new', createdAt: ago(5) }),
		interaction({ id: 'w3', queueId: 11, status: 'new', createdAt: ago(40) }),
		interaction({ id: 'c1', queueId: 10, status: 'acw', createdAt: ago(300), answeredAt: ago(290), acwStartedAt: ago(75) }), // prettier-ignore
		interaction({ id: 'x1', queueId: 11, status: 'closed', createdAt: ago(600), closedAt: ago(500), waitSeconds: 100 }) // prettier-ignore
	];

	it('measures each queue of a rule for all queues, and each interaction of per-interaction rules', () => {
		const rules = [
			rule({ id: 1, queueId: null, metric: 'longest-wait' }),
			rule({ id: 2, queueId: 10, metric: 'waiting-count' }),
			rule({ id: 3, queueId: 10, metric: 'interaction-acw' }),
			rule({ id: 4, queueId: null, metric: 'abandon-rate' })
		];
		const seen = observeTenant(input(rows), rules, NOW);
		expect(seen).toEqual([
			{ ruleId: 1, queueId: 10, subject: '', value: 95 },
			{ ruleId: 1, queueId: 11, subject: '', value: 40 },
			{ ruleId: 2, queueId: 10, subject: '', value: 2 },
			{ ruleId: 3, queueId: 10, subject: 'c1', value: 75 },
			{ ruleId: 4, queueId: 10, subject: '', value: 0 }, // c1 was answered
			{ ruleId: 4, queueId: 11, subject: '', value: 100 }
		]);
	});

	it('lets a wait grow with the clock and no change in the rows', () => {
		const rules = [rule({ id: 5, queueId: 10, metric: 'interaction-wait' })];
		const later = observeTenant(input(rows), rules, NOW + 10_000);
		expect(later.map((o) => [o.subject, o.value])).toEqual([
			['w1', 105],
			['w2', 15]
		]);
	});
});
