import { describe, expect, it } from 'vitest';
import { nextAttemptInMs } from '../../src/lib/server/alerts/channels/backoff';
import { alertEmail, webhookPayload } from '../../src/lib/server/alerts/channels/payload';
import type { DeliveryContent } from '../../src/lib/server/alerts/channels/types';

const retryable = { ok: false as const, retry: true, error: 'HTTP 500' };
const middle = () => 0.5;

describe('delivery backoff', () => {
	it('doubles from the base up to five minutes', () => {
		const waits = [1, 2, 3, 4, 12].map((attempts) =>
			nextAttemptInMs({ attempts, ageMs: 0 }, retryable, 86_400_000, 1000, middle)
		);
		expect(waits).toEqual([1000, 2000, 4000, 8000, 300_000]);
	});

	it('jitters by at most a fifth either way', () => {
		expect(nextAttemptInMs({ attempts: 3, ageMs: 0 }, retryable, 1e9, 1000, () => 0)).toBe(3200);
		expect(nextAttemptInMs({ attempts: 3, ageMs: 0 }, retryable, 1e9, 1000, () => 1)).toBe(4800);
	});

	it('stops at the retry window and on a final failure', () => {
		expect(
			nextAttemptInMs({ attempts: 2, ageMs: 59_000 }, retryable, 60_000, 1000, middle)
		).toBeNull();
		expect(nextAttemptInMs({ attempts: 2, ageMs: 1000 }, retryable, 60_000, 1000, middle)).toBe(
			2000
		);
		const final = { ok: false as const, retry: false, error: 'HTTP 404' };
		expect(nextAttemptInMs({ attempts: 1, ageMs: 0 }, final, 60_000, 1000, middle)).toBeNull();
	});
});

describe('the webhook payload', () => {
	const content: DeliveryContent = {
		transition: 'fired',
		queuedAt: '2026-12-07T02:00:00.000Z',
		alert: {
			id: 42,
			tenantId: 1,
			queueId: 3,
			queueName: 'Sales',
			ruleId: 7,
			metric: 'longest-wait',
			level: 'critical',
			summary: 'Sales: longest wait 3:12 (over 2:00)',
			value: 192,
			threshold: 120,
			interactionId: null,
			firedAt: '2026-12-07T01:59:59.000Z',
			clearedAt: null,
			acknowledgedAt: null
		}
	};

	it('carries a chat-ready text, an idempotency id and the alert', () => {
		expect(webhookPayload(content)).toEqual({
			id: 'alert-42-fired',
			type: 'alert.fired',
			createdAt: '2026-12-07T02:00:00.000Z',
			text: 'Critical alert: Sales: longest wait 3:12 (over 2:00)',
			alert: content.alert
		});
		const cleared = webhookPayload({ ...content, transition: 'cleared' });
		expect(cleared.id).toBe('alert-42-cleared');
		expect(cleared.text).toBe('Cleared (critical): Sales: longest wait 3:12 (over 2:00)');
	});

	it('writes the same facts in the email', () => {
		const email = alertEmail(content);
		expect(email.subject).toBe('Critical alert: Sales: longest wait 3:12 (over 2:00)');
		expect(email.text).toContain('Queue: Sales');
		expect(email.text).toContain('alert-42-fired');
	});
});
