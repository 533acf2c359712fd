import * as v from 'valibot';
import { SubscribeRequestSchema, type SubscribeReply, type SubscribeRequest } from '$lib/realtime';
import { withLogContext } from '../log';
import { resolveScope, rowViewOf, ScopeError, type TenantScope } from '../scope';
import { afterReply, type CatchUpRequest } from './catch-up';
import { SUBSCRIBE_BURST, SUBSCRIBE_REFILL_MS } from './limits';
import type { RealtimeMeter } from './types';
import { principalOf, RateLimits } from './principals';
import { LIVE_ROOM, stopWatching, leaveLiveRooms, type Fanout } from './rooms';
import type { LiveSocket, RealtimeDeps } from './types';
import { ACCESS_ENDED_REASON } from './viewers';

/**
 * The messages a screen sends: `live:subscribe` (validated, within the viewer's scope, then
 * joined to its scope room and caught up), `live:unsubscribe` and `live:ping`. The client can
 * only ask to narrow its scope; a bad request gets an error reply and never reaches the pipeline.
 */

export interface SubscribeDeps extends Pick<RealtimeDeps, 'lookups' | 'refusals' | 'log'> {
	/** Names the scope rooms (and projects changes into them). */
	fanout: Pick<Fanout, 'roomFor'>;
	catchUp: (request: CatchUpRequest) => Promise<SubscribeReply>;
	meter: RealtimeMeter;
}

type Reply<T> = ((answer: T) => void) | undefined;

export function createSubscribeHandlers(deps: SubscribeDeps) {
	const { log, meter } = deps;
	// Per sign-in or wall link, not per socket: more sockets must not mean more subscribes.
	const subscribes = new RateLimits(SUBSCRIBE_BURST, SUBSCRIBE_REFILL_MS);

	async function subscribe(socket: LiveSocket, request: unknown): Promise<SubscribeReply> {
		if (!subscribes.take(principalOf(socket.data.viewer))) {
			return { ok: false, error: 'Too many subscribe requests: wait a few seconds' };
		}
		// Never subscribe on access that is being re-checked: wait for the verdict.
		if (socket.data.recheck) await socket.data.recheck;
		if (socket.disconnected) return { ok: false, error: ACCESS_ENDED_REASON };
		const parsed = parseRequest(request);
		if (typeof parsed === 'string') return { ok: false, error: parsed };
		const resolved = resolveFor(socket, parsed, deps);
		if (typeof resolved === 'string') return { ok: false, error: resolved };
		// Join before catching up: a change emitted while the catch-up is read still reaches this
		// socket, and the client drops whatever the reply already covers (by seq).
		const { scope } = resolved;
		const view = rowViewOf(socket.data.viewer);
		const room = deps.fanout.roomFor(scope, view);
		leaveLiveRooms(socket);
		socket.data.scope = scope;
		// The position only (a replay's screen): the heartbeats, never the scope room's changes.
		const rows = parsed.rows !== false;
		void socket.join(rows ? [room, LIVE_ROOM] : [LIVE_ROOM]);
		const superseded = () => socket.data.scope !== scope || socket.disconnected;
		const { resume, daySums } = parsed;
		return deps.catchUp({ socket, resolved, view, room, resume, rows, superseded, daySums });
	}

	return {
		subscribe(socket: LiveSocket, request: unknown, reply: Reply<SubscribeReply>): void {
			// Lines logged while answering carry the socket's id (never its cookie or token).
			withLogContext({ socketId: socket.id }, () => {
				subscribe(socket, request).then(
					(result) => {
						const answer = result.ok ? result.kind : 'refused';
						meter.subscribed(answer);
						log.debug('subscribe answered', { answer });
						if (typeof reply === 'function') reply(result);
						// A snapshot in parts: the rest after the reply, in order.
						afterReply(result);
					},
					(error: unknown) => {
						meter.subscribed('failed');
						log.error('subscribe failed', { error });
						if (typeof reply === 'function') reply({ ok: false, error: 'Subscribe failed' });
					}
				);
			});
		},
		unsubscribe(socket: LiveSocket, reply: Reply<{ ok: boolean }>): void {
			stopWatching(socket);
			if (typeof reply === 'function') reply({ ok: true });
		},
		/** Answered whatever the node's state: it tells a silent node from a dead link. */
		ping(reply: Reply<void>): void {
			if (typeof reply === 'function') reply();
		}
	};
}

/** The request, or what is wrong with it. */
function parseRequest(request: unknown): SubscribeRequest | string {
	// An array passes valibot's object check (it is one, with no keys): not a request either.
	const parsed = Array.isArray(request)
		? v.safeParse(SubscribeRequestSchema, null)
		: v.safeParse(SubscribeRequestSchema, request ?? {});
	if (!parsed.success) return `Invalid subscribe request: ${parsed.issues[0].message}`;
	return parsed.output;
}

/** The tenant and queues the socket gets, or why not (a refusal is audited). */
function resolveFor(
	socket: LiveSocket,
	{ tenantId, queueIds }: SubscribeRequest,
	deps: Pick<SubscribeDeps, 'lookups' | 'refusals'>
): TenantScope | string {
	try {
		return resolveScope(socket.data.viewer, deps.lookups, { tenantId, queueIds });
	} catch (error) {
		if (!(error instanceof ScopeError)) throw error;
		// One row per kind of refusal per principal per minute: a flood is one row and a count.
		if (error.refusal) {
			deps.refusals.record({
				viewer: socket.data.viewer,
				where: 'socket subscribe',
				reason: error.message
			});
		}
		return error.message;
	}
}
