import { describe, expect, it } from 'vitest';
import { parseRule } from '$lib/alerts/rules';

const form = (overrides: Record<string, unknown> = {}) => ({
	queueId: '3',
	metric: 'longest-wait',
	level: 'critical',
	threshold: '120',
	minDurationSeconds: '10',
	clearThreshold: '90',
	clearDurationSeconds: '30',
	channels: ['screens', 'walls'],
	enabled: 'on',
	...overrides
});

describe('parseRule', () => {
	it('reads a rule typed into the form', () => {
		expect(parseRule(form())).toEqual({
			ok: true,
			value: {
				queueId: 3,
				metric: 'longest-wait',
				level: 'critical',
				threshold: 120,
				minDurationSeconds: 10,
				clearThreshold: 90,
				clearDurationSeconds: 30,
				channels: ['screens', 'walls'],
				enabled: true
			}
		});
		const all = parseRule(form({ queueId: '', enabled: undefined, channels: 'email' }));
		expect(all).toMatchObject({ ok: true, value: { queueId: null, enabled: false, channels: ['email'] } }); // prettier-ignore
	});

	it.each([
		[{ threshold: '-5' }, 'threshold', 'A whole number from 1–86400 s'],
		[{ threshold: 'abc' }, 'threshold', 'Enter a number'],
		[{ threshold: '' }, 'threshold', 'Enter a number'],
		[{ minDurationSeconds: '-1' }, 'minDurationSeconds', 'Cannot be negative'],
		[{ minDurationSeconds: 'NaN' }, 'minDurationSeconds', 'Enter a number of seconds'],
		[{ clearDurationSeconds: '3601' }, 'clearDurationSeconds', 'At most 3600 s'],
		[{ metric: 'cpu-load' }, 'metric', 'Choose a metric from the list'],
		[{ level: 'info' }, 'level', 'Choose warning or critical'],
		[{ clearThreshold: '150' }, 'clearThreshold', 'Clears at or under the threshold: 0–120'],
		[{ metric: 'service-level', threshold: '101' }, 'threshold', 'A number from 1–100 %'],
		[{ metric: 'service-level', threshold: '80', clearThreshold: '70' }, 'clearThreshold', 'Clears at or over the threshold: 80–100'], // prettier-ignore
		[{ queueId: '0' }, 'queueId', 'Choose a queue'],
		[{ channels: ['pager'] }, 'channels', 'Unknown channel']
	])('refuses %o with a message on its field', (overrides, field, message) => {
		const result = parseRule(form(overrides));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors).toMatchObject({ [field]: message });
	});
});
