import * as v from 'valibot';
import type { AcknowledgeReply, AlertsListReply, AlertView } from '$lib/alerts';
import type { AlertRecord, AlertStore } from '../alerts';
import { alertView } from '../alerts/record';
import type { Audit } from '../audit';
import type { AppEventBus } from '../events';
import { withLogContext } from '../log';
import { canSee, scopeFor, ScopeError, type Scope } from '../scope';
import { principalOf, RateLimits } from './principals';
import type { LiveSocket, RealtimeDeps, RealtimeServer } from './types';

/**
 * Alerts on the socket: `alerts:changed` to every socket of this node whose viewer's scope
 * includes the alert's queue (people by role and queues, walls by their token's queues, each only
 * when the rule has that channel), and the handlers `alerts:list` and `alerts:acknowledge`.
 * Every node hears every change (`alert.changed`, from its change log), so each tells its own
 * sockets; no message crosses nodes.
 */

export interface AlertSocketDeps extends Pick<RealtimeDeps, 'lookups' | 'refusals' | 'log'> {
	io: RealtimeServer;
	events: Pick<AppEventBus, 'on'>;
	alerts: Pick<AlertStore, 'recent' | 'get' | 'acknowledge'>;
	audit: Pick<Audit, 'record'>;
}

/** How far back `alerts:list` reaches for alerts that cleared: the last hour. */
export const CLEARED_LISTED_MS = 3_600_000;

const AcknowledgeSchema = v.strictObject({
	id: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))
});

const NOT_FOUND = 'No such alert';

/**
 * The scope alerts reach a socket in: its viewer's whole scope (a supervisor's screen narrowed to
 * one queue still hears of the others it may see). A platform admin has no tenant of its own:
 * the one it subscribed to. Null: none (not subscribed, no screen access).
 */
export function alertScope(socket: LiveSocket): Scope | null {
	const { viewer, scope } = socket.data;
	const chosen = viewer.kind === 'user' && viewer.role === 'platform_admin' ? scope?.tenantId : undefined; // prettier-ignore
	if (viewer.kind === 'user' && viewer.role === 'platform_admin' && chosen === undefined)
		return null;
	try {
		return scopeFor(viewer, chosen);
	} catch {
		return null;
	}
}

export function startAlertSockets(deps: AlertSocketDeps) {
	const { io, lookups, log } = deps;
	const lists = new RateLimits(10, 3_000);
	const acks = new RateLimits(20, 1_000);
	const queueName = (alert: AlertRecord) =>
		lookups.queues.get(alert.queueId)?.name ?? `Queue ${alert.queueId}`;

	/** Whether the rule has the socket's channel: walls for wall displays, screens for people. */
	const hasChannel = (socket: LiveSocket, alert: AlertRecord) =>
		alert.channels.includes(socket.data.viewer.kind === 'wall' ? 'walls' : 'screens');

	/** A socket sees an alert when its scope includes the queue and the rule has its channel. */
	function reaches(socket: LiveSocket, alert: AlertRecord): boolean {
		if (!hasChannel(socket, alert)) return false;
		const scope = alertScope(socket);
		return scope !== null && canSee(scope, alert);
	}

	function changed(alert: AlertRecord): void {
		const views = new Map<boolean, AlertView>();
		for (const socket of io.of('/').sockets.values() as Iterable<LiveSocket>) {
			if (!reaches(socket, alert)) continue;
			const forWall = socket.data.viewer.kind === 'wall';
			let view = views.get(forWall);
			if (!view) views.set(forWall, (view = alertView(alert, queueName(alert), forWall)));
			socket.emit('alerts:changed', { alerts: [view] });
		}
	}

	async function list(socket: LiveSocket): Promise<AlertsListReply> {
		if (!lists.take(principalOf(socket.data.viewer))) {
			return { ok: false, error: 'Too many requests: wait a few seconds' };
		}
		const scope = alertScope(socket);
		if (!scope) return { ok: false, error: 'Subscribe to a tenant first' };
		// The scope is applied in SQL (store.recent): one rule, one place, for the list.
		const recent = await deps.alerts.recent(scope, Date.now() - CLEARED_LISTED_MS);
		const forWall = socket.data.viewer.kind === 'wall';
		const alerts = recent
			.filter((alert) => hasChannel(socket, alert))
			.map((alert) => alertView(alert, queueName(alert), forWall));
		return { ok: true, alerts };
	}

	async function acknowledge(socket: LiveSocket, request: unknown): Promise<AcknowledgeReply> {
		const viewer = socket.data.viewer;
		if (viewer.kind !== 'user') return { ok: false, error: 'A wall display cannot acknowledge' };
		if (!acks.take(principalOf(viewer))) {
			return { ok: false, error: 'Too many requests: wait a few seconds' };
		}
		const parsed = v.safeParse(AcknowledgeSchema, request);
		if (!parsed.success) return { ok: false, error: 'Send { id } of an alert' };
		const alert = await deps.alerts.get(parsed.output.id);
		if (!alert) return { ok: false, error: NOT_FOUND };
		let scope: Scope;
		try {
			scope = scopeFor(viewer, alert.tenantId);
		} catch (error) {
			return refuse(socket, error instanceof ScopeError && error.refusal);
		}
		if (!canSee(scope, alert)) return refuse(socket, true);
		const acknowledged = await deps.alerts.acknowledge(alert.id, viewer.userId, viewer.displayName); // prettier-ignore
		if (!acknowledged) return { ok: false, error: NOT_FOUND };
		await deps.audit.record({
			action: 'alert_acknowledged',
			viewer,
			tenantId: alert.tenantId,
			subject: `alert:${alert.id}`,
			detail: alert.summary
		});
		return { ok: true, alert: alertView(acknowledged, queueName(acknowledged), false) };
	}

	/** Outside the scope: told the same as for a missing alert, and audited. */
	function refuse(socket: LiveSocket, audited: boolean): AcknowledgeReply {
		if (audited) {
			deps.refusals.record({
				viewer: socket.data.viewer,
				where: 'alert acknowledge',
				reason: 'Alert outside the viewer scope'
			});
		}
		return { ok: false, error: NOT_FOUND };
	}

	const stopHearing = deps.events.on('alert.changed', changed);

	/** Answers with the error when a handler fails: the socket stays, the server does too. */
	function answer<T>(socket: LiveSocket, work: Promise<T>, reply: unknown, failed: T): void {
		withLogContext({ socketId: socket.id }, () => {
			void work
				.catch((error: unknown) => {
					log.error('alerts: socket request failed', { error });
					return failed;
				})
				.then((result) => typeof reply === 'function' && reply(result));
		});
	}

	return {
		/** Registers the alert handlers on a newly connected socket. */
		attach(socket: LiveSocket): void {
			const failed = { ok: false as const, error: 'Could not read the alerts: try again' };
			socket.on('alerts:list', (reply) => answer(socket, list(socket), reply, failed));
			socket.on('alerts:acknowledge', (request, reply) =>
				answer(socket, acknowledge(socket, request), reply, failed)
			);
		},
		stop(): void {
			stopHearing();
		}
	};
}
