import { describe, expect, it } from 'vitest';
import type { AcknowledgeReply, AlertsListReply, AlertView } from '$lib/alerts';
import { compareAlerts, mergeAlert } from '$lib/alerts/merge';
import {
	ALERTS_REPLY_TIMEOUT_MS,
	ALERTS_RETRY_MS,
	ScreenAlerts,
	type AlertsSocket
} from '$lib/alerts/screen-alerts.svelte';
import { ManualClock } from './manual-clock';

/** A socket the test drives by hand: it plays the server and keeps every request made. */
class FakeSocket implements AlertsSocket {
	connected = false;
	readonly lists: ((reply: AlertsListReply) => void)[] = [];
	readonly acks: { id: number; reply: (reply: AcknowledgeReply) => void }[] = [];
	readonly #listeners = new Map<string, Set<(...args: never[]) => void>>();

	on(event: string, listener: (...args: never[]) => void): this {
		if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
		this.#listeners.get(event)!.add(listener);
		return this;
	}
	off(event: string, listener: (...args: never[]) => void): this {
		this.#listeners.get(event)?.delete(listener);
		return this;
	}
	emit(event: 'alerts:list', ack: (reply: AlertsListReply) => void): this;
	emit(
		event: 'alerts:acknowledge',
		request: { id: number },
		ack: (reply: AcknowledgeReply) => void
	): this;
	emit(event: string, ...args: unknown[]): this {
		if (event === 'alerts:list') this.lists.push(args[0] as (reply: AlertsListReply) => void);
		else {
			const [request, reply] = args as [{ id: number }, (reply: AcknowledgeReply) => void];
			this.acks.push({ id: request.id, reply });
		}
		return this;
	}
	fire(event: string, ...args: unknown[]): void {
		for (const listener of this.#listeners.get(event) ?? []) {
			(listener as (...a: unknown[]) => void)(...args);
		}
	}
	connect(): void {
		this.connected = true;
		this.fire('connect');
	}
	drop(): void {
		this.connected = false;
		this.fire('disconnect');
	}
	changed(...alerts: AlertView[]): void {
		this.fire('alerts:changed', { alerts });
	}
	listeners(event: string): number {
		return this.#listeners.get(event)?.size ?? 0;
	}
}

function alert(id: number, patch: Partial<AlertView> = {}): AlertView {
	return {
		id,
		tenantId: 1,
		queueId: 10 + id,
		queueName: `Queue ${id}`,
		ruleId: 1,
		metric: 'longest-wait',
		level: 'warning',
		summary: `Queue ${id}: longest wait 3:12 (over 2:00)`,
		value: 192,
		threshold: 120,
		interactionId: null,
		firedAt: `2026-12-07T10:00:0${id % 10}.000Z`,
		clearedAt: null,
		acknowledgedAt: null,
		acknowledgedBy: null,
		...patch
	};
}

const ACKED = { acknowledgedAt: '2026-12-07T10:05:00.000Z', acknowledgedBy: 'Dana Supervisor' };
const CLEARED = { clearedAt: '2026-12-07T10:09:00.000Z' };

function setup() {
	const socket = new FakeSocket();
	const clock = new ManualClock();
	const fired: number[] = [];
	const alerts = new ScreenAlerts(socket, { fired: (a) => fired.push(a.id) }, clock);
	/** What the page does once the feed's subscription is in place (LiveFeed.subscriptions). */
	const subscribed = () => {
		if (!socket.connected) socket.connect();
		alerts.list();
	};
	return { socket, clock, fired, alerts, subscribed };
}

describe('ScreenAlerts', () => {
	it('lists once subscribed, without announcing what was already open as news', () => {
		const { socket, fired, alerts, subscribed } = setup();
		socket.connect();
		expect(socket.lists).toHaveLength(0);
		subscribed();
		expect(socket.lists).toHaveLength(1);
		expect(alerts.ready).toBe(false);
		socket.lists[0]({ ok: true, alerts: [alert(1), alert(2, ACKED)] });
		expect(alerts.ready).toBe(true);
		expect(alerts.all.map((a) => a.id)).toEqual([1, 2]);
		expect(alerts.attention.map((a) => a.id)).toEqual([1]);
		expect(fired).toEqual([]);
	});

	it('announces a breach pushed after the list, once, and follows its acknowledgement and clearance', () => {
		const { socket, fired, alerts, subscribed } = setup();
		subscribed();
		socket.lists[0]({ ok: true, alerts: [] });
		socket.changed(alert(3, { level: 'critical' }));
		socket.changed(alert(3, { level: 'critical', ...ACKED }));
		expect(fired).toEqual([3]);
		expect(alerts.get(3)?.acknowledgedBy).toBe('Dana Supervisor');
		expect(alerts.open.map((a) => a.id)).toEqual([3]);
		socket.changed(alert(3, { level: 'critical', ...ACKED, ...CLEARED }));
		expect(alerts.open).toEqual([]);
		expect(alerts.all.map((a) => a.id)).toEqual([3]);
		expect(fired).toEqual([3]);
	});

	it('keeps what was pushed while the list was on its way: a late list cannot undo an acknowledgement', () => {
		const { socket, alerts, subscribed } = setup();
		subscribed();
		socket.changed(alert(4, ACKED));
		socket.changed(alert(5));
		// The list was read before those changes were written.
		socket.lists[0]({ ok: true, alerts: [alert(4)] });
		expect(alerts.get(4)?.acknowledgedBy).toBe('Dana Supervisor');
		expect(alerts.get(5)).toBeDefined();
	});

	it('re-lists after a reconnect: announces what fired meanwhile, drops what left the list, keeps what changed', () => {
		const { socket, fired, alerts, subscribed } = setup();
		subscribed();
		socket.lists[0]({ ok: true, alerts: [alert(1), alert(2)] });
		socket.drop();
		subscribed();
		expect(socket.lists).toHaveLength(2);
		socket.lists[1]({
			ok: true,
			alerts: [alert(1, CLEARED), alert(6, { level: 'critical' }), alert(7, ACKED)]
		});
		expect(alerts.all.map((a) => a.id)).toEqual([6, 7, 1]);
		expect(alerts.get(2)).toBeUndefined();
		// 7 was acknowledged while away: nothing to ask anyone for, so no toast.
		expect(fired).toEqual([6]);
	});

	it('answers only the newest list: an older reply arriving late is ignored', () => {
		const { socket, alerts, subscribed } = setup();
		subscribed();
		socket.drop();
		subscribed();
		socket.lists[1]({ ok: true, alerts: [alert(1)] });
		socket.lists[0]({ ok: true, alerts: [alert(9)] });
		expect(alerts.all.map((a) => a.id)).toEqual([1]);
	});

	it('says why a list failed or went unanswered, and tries again by itself', () => {
		const { socket, clock, alerts, subscribed } = setup();
		subscribed();
		socket.lists[0]({ ok: false, error: 'Not allowed' });
		expect(alerts.error).toBe('Not allowed');
		clock.advance(ALERTS_RETRY_MS);
		expect(socket.lists).toHaveLength(2);
		clock.advance(ALERTS_REPLY_TIMEOUT_MS);
		expect(alerts.error).toBe('The server did not list the alerts');
		clock.advance(ALERTS_RETRY_MS);
		expect(socket.lists).toHaveLength(3);
		socket.lists[2]({ ok: true, alerts: [] });
		expect(alerts.error).toBeNull();
		expect(alerts.ready).toBe(true);
		// A late answer to the unanswered list changes nothing.
		socket.lists[1]({ ok: true, alerts: [alert(1)] });
		expect(alerts.all).toEqual([]);
	});

	it('acknowledges by id and shows the answer at once; says why when it cannot', async () => {
		const { socket, clock, alerts, subscribed } = setup();
		expect(await alerts.acknowledge(1)).toEqual({
			ok: false,
			error: 'Not connected: try again when the screen is live'
		});
		subscribed();
		socket.lists[0]({ ok: true, alerts: [alert(1)] });
		const done = alerts.acknowledge(1);
		expect(socket.acks.map((a) => a.id)).toEqual([1]);
		socket.acks[0].reply({ ok: true, alert: alert(1, ACKED) });
		expect(await done).toMatchObject({ ok: true });
		expect(alerts.attention).toEqual([]);
		expect(alerts.get(1)?.acknowledgedBy).toBe('Dana Supervisor');

		const unanswered = alerts.acknowledge(1);
		clock.advance(ALERTS_REPLY_TIMEOUT_MS);
		expect(await unanswered).toEqual({ ok: false, error: 'The server did not answer: try again' });
	});

	it('lets go of the socket when closed', () => {
		const { socket, alerts, subscribed } = setup();
		subscribed();
		alerts.close();
		expect(socket.listeners('alerts:changed')).toBe(0);
		socket.lists[0]({ ok: true, alerts: [alert(1)] });
		expect(alerts.all).toEqual([]);
	});
});

describe('alert order and merging', () => {
	it('reads open before cleared, unacknowledged before acknowledged, critical first, newest first', () => {
		const list = [
			alert(1, CLEARED),
			alert(2, ACKED),
			alert(3),
			alert(4, { level: 'critical' }),
			alert(5)
		].sort(compareAlerts);
		expect(list.map((a) => a.id)).toEqual([4, 5, 3, 2, 1]);
	});

	it('never moves an alert back: an acknowledgement and a clearance survive an older copy', () => {
		const newer = alert(1, { ...ACKED, ...CLEARED });
		expect(mergeAlert(newer, alert(1))).toMatchObject({ ...ACKED, ...CLEARED });
		expect(mergeAlert(alert(1), newer)).toMatchObject({ ...ACKED, ...CLEARED });
	});
});
