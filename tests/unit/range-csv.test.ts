import { describe, expect, it } from 'vitest';
import type { RangeFigures, RangePicture } from '$lib/range/picture';
import { rangeTableCsv } from '$lib/server/export';

const figures = (offered: number, serviceLevelPct: number | null): RangeFigures => ({
	offered,
	answered: offered,
	abandoned: 0,
	answeredWithinGoal: offered,
	serviceLevelPct,
	abandonRatePct: offered ? 0 : null,
	avgWaitSeconds: offered ? 12.345 : null,
	p90WaitSeconds: offered ? 20 : null,
	avgTalkSeconds: offered ? 61.25 : null,
	avgAcwSeconds: null
});

const picture = {
	timeZone: 'Asia/Kolkata',
	byQueue: [
		{ queueId: 1, queueName: 'Sales, East', figures: figures(5, 80) },
		{ queueId: 2, queueName: '=HYPERLINK("x")', figures: figures(9, 66.66) },
		{ queueId: 3, queueName: 'Quiet', figures: figures(0, null) }
	],
	byAgent: [
		{
			agentId: 7,
			agentName: 'Asha',
			handled: 3,
			avgTalkSeconds: 40,
			avgAcwSeconds: 5,
			withinGoalPct: 100
		}
	]
} as unknown as RangePicture;

const span = { fromDate: '2026-12-05', toDate: '2026-12-05', fromTime: '10:00', toTime: '10:15' };

describe('a range table as CSV', () => {
	it('has the zone in its header, the screen’s columns and order, raw values, defused text', () => {
		const text = rangeTableCsv('queues', picture, span, { key: 'offered', dir: 'desc' });
		expect(text.startsWith('\uFEFF')).toBe(true);
		expect(text.slice(1).split('\r\n')).toEqual([
			'Range (Asia/Kolkata),Queue,Offered,Answered,Abandoned,Service level (%),Abandon rate (%),Avg wait (s),90th pct wait (s),Avg talk (s),Avg ACW (s)',
			`2026-12-05 10:00 to 10:15,"'=HYPERLINK(""x"")",9,9,0,66.7,0,12.3,20,61.3,`,
			'2026-12-05 10:00 to 10:15,"Sales, East",5,5,0,80,0,12.3,20,61.3,',
			'2026-12-05 10:00 to 10:15,Quiet,0,0,0,,,,,,',
			''
		]);
	});

	it('writes the agents’ table with its own columns', () => {
		const whole = { ...span, fromTime: null, toTime: null, toDate: '2026-12-06' };
		const text = rangeTableCsv('agents', picture, whole, { key: 'agent', dir: 'asc' });
		expect(text.slice(1).split('\r\n').slice(0, 2)).toEqual([
			'Range (Asia/Kolkata),Agent,Handled,Avg talk (s),Avg ACW (s),Answered within goal (%)',
			'2026-12-05 to 2026-12-06,Asha,3,40,5,100'
		]);
	});
});
