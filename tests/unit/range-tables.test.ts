import { describe, expect, it } from 'vitest';
import type { AgentRangeRow } from '$lib/range/picture';
import { AGENT_COLUMNS, cellText, sortRows } from '$lib/range/tables';

const agent = (agentId: number, agentName: string, handled: number, withinGoalPct: number | null) =>
	({
		agentId,
		agentName,
		handled,
		avgTalkSeconds: 61.6,
		avgAcwSeconds: null,
		withinGoalPct
	}) satisfies AgentRangeRow;

const rows = [agent(1, 'Zoe', 5, 80), agent(2, 'adam', 9, null), agent(3, 'Bea', 5, 95.25)];
const names = (list: AgentRangeRow[]) => list.map((r) => r.agentName);

describe('range tables', () => {
	it('sorts figures either way with empty figures last, ties by name', () => {
		expect(names(sortRows(rows, AGENT_COLUMNS, 'handled', 'desc'))).toEqual(['adam', 'Bea', 'Zoe']);
		expect(names(sortRows(rows, AGENT_COLUMNS, 'handled', 'asc'))).toEqual(['Bea', 'Zoe', 'adam']);
		expect(names(sortRows(rows, AGENT_COLUMNS, 'withinGoal', 'asc'))).toEqual([
			'Zoe',
			'Bea',
			'adam'
		]);
		expect(names(sortRows(rows, AGENT_COLUMNS, 'withinGoal', 'desc'))).toEqual([
			'Bea',
			'Zoe',
			'adam'
		]);
	});

	it('sorts names without regard to case, and an unknown column as the first', () => {
		expect(names(sortRows(rows, AGENT_COLUMNS, 'agent', 'asc'))).toEqual(['adam', 'Bea', 'Zoe']);
		expect(names(sortRows(rows, AGENT_COLUMNS, 'nope', 'desc'))).toEqual(['Zoe', 'Bea', 'adam']);
	});

	it('formats durations as a clock, shares with one decimal, and nothing as a dash', () => {
		const [, , talk, acw, goal] = AGENT_COLUMNS;
		expect(cellText(talk, rows[0])).toBe('1:02');
		expect(cellText(acw, rows[0])).toBe('—');
		expect(cellText(goal, rows[2])).toBe('95.3%');
	});
});
