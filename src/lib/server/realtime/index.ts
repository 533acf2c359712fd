import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import {
	HEARTBEAT_INTERVAL_MS,
	SubscribeRequestSchema,
	TOO_MANY_SOCKETS,
	type RefusedHandshakeData,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SubscribeReply
} from '$lib/realtime';
import type { RefusalAudit } from '../audit/refusals';
import type { LogEntry } from '../changelog';
import type { ClientAddressRule, SocketLimits } from '../config';
import { clientAddress } from '../http/address';
import type { LiveService } from '../live';
import { withLogContext, type Logger } from '../log';
import type { Lookups } from '../lookups';
import {
	resolveScope,
	rowViewOf,
	ScopeError,
	type Scope,
	type TenantScope,
	type Viewer
} from '../scope';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS, SUBSCRIBE_BURST, SUBSCRIBE_REFILL_MS } from './limits';
import type { RealtimeMeter } from './meter';
import { isSameOrigin } from './origin';
import {
	HANDSHAKE_RATE_MESSAGE,
	handshakeRate,
	principalOf,
	PrincipalSockets,
	RateLimits
} from './principals';
import { rawJsonParser, sentAs } from './raw-json';
import { Fanout, LIVE_ROOM } from './rooms';
import { SharedReplays, SharedSnapshots } from './snapshots';
import { ACCESS_ENDED_REASON, watchViewers } from './viewers';
import { WorkQueue } from './work-queue';

/**
 * Socket.IO on the app's HTTP server. It authenticates, joins the rooms the viewer's scope
 * allows and emits; what a subscriber is sent to catch up is LiveService's decision. The client
 * can only ask to narrow its scope. Every message is validated; a bad one gets an error reply
 * and never reaches the pipeline.
 */

export interface RealtimeDeps {
	live: LiveService;
	/** Tenants and queues, for resolving which tenant and queues a subscriber gets. */
	lookups: Lookups;
	log: Logger;
	/** Resolves the viewer from the handshake (session cookie or wall token); null = refuse. */
	authenticate: (
		headers: Record<string, string | string[] | undefined>,
		auth: unknown
	) => Promise<Viewer | null>;
	/** Audits a refused attempt to see data outside the viewer's scope (once a minute per kind). */
	refusals: Pick<RefusalAudit, 'record'>;
	/** Marks sessions with open sockets as in use (they are watching, not idle). */
	touchSessions: (sessionIds: string[]) => Promise<void>;
	/** The public origin; when unset, a browser's Origin must match the Host it connected to. */
	allowedOrigin?: string;
	/** How often open sockets are checked against their session's absolute expiry. */
	sessionSweepMs?: number;
	/** Counts what is sent, once per emit (metrics). */
	meter?: RealtimeMeter;
	/** Sockets per sign-in and wall token, handshakes per address. */
	limits: SocketLimits;
	/** How the handshake's client address is read (behind a proxy: a header). */
	clientAddress: ClientAddressRule;
}

interface SocketData {
	viewer: Viewer;
	scope: Scope | null;
	/** A re-check of the viewer in progress (access changed, log restarted): subscribes wait. */
	recheck?: Promise<void>;
}

const SUPERSEDED: SubscribeReply = { ok: false, error: 'Superseded' };

export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export interface Realtime {
	io: RealtimeServer;
	/** Disconnects the sockets of matching viewers (signed out, disabled, token revoked). */
	endSessions(match: (viewer: Viewer) => boolean, reason: string): Promise<number>;
	/** Re-resolves matching viewers (e.g. changed queue assignment) and makes them resubscribe. */
	refreshViewers(match: (viewer: Viewer) => boolean): Promise<number>;
	close(): Promise<void>;
}

const NO_METER: RealtimeMeter = { sent() {}, subscribed() {}, emitted() {} };

/**
 * Catch-ups made at once. Each is synchronous work (rows filtered and encoded); one at a time,
 * with the loop's turn between two, keeps a node answering while a crowd resubscribes.
 */
const CATCH_UP_CONCURRENCY = 1;

export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
	const { live, log } = deps;
	const meter = deps.meter ?? NO_METER;
	const io: RealtimeServer = new Server(httpServer, {
		serveClient: false,
		parser: rawJsonParser,
		pingInterval: PING_INTERVAL_MS,
		pingTimeout: PING_TIMEOUT_MS,
		maxHttpBufferSize: 64 * 1024,
		allowRequest: (request, callback) => {
			if (!isSameOrigin(request.headers, deps.allowedOrigin)) return callback(null, false);
			if (!handshakes.take(clientAddress(request, deps.clientAddress))) {
				return callback(HANDSHAKE_RATE_MESSAGE, false);
			}
			callback(null, true);
		}
	});

	const handshakes = handshakeRate(deps.limits.handshakesPerMinute);
	// Per sign-in or wall link, not per socket: more sockets must not mean more subscribes.
	const subscribes = new RateLimits(SUBSCRIBE_BURST, SUBSCRIBE_REFILL_MS);
	const principals = new PrincipalSockets(deps.limits);
	const catchUps = new WorkQueue(CATCH_UP_CONCURRENCY);
	const snapshots = new SharedSnapshots();
	const replays = new SharedReplays();
	const fanout = new Fanout({
		hasMembers: (room) => io.of('/').adapter.rooms.has(room),
		emit: (room, message) => {
			io.local.to(room).emit('live:changes', message);
			// A socket is in exactly one scope room: its size is the receivers.
			meter.sent('live:changes', message, io.of('/').adapter.rooms.get(room)?.size ?? 0);
		}
	});

	io.use((socket, next) => {
		deps
			.authenticate(socket.request.headers, socket.handshake.auth)
			.then((viewer) => {
				if (!viewer) return next(new Error('unauthorized'));
				// The client may have gone while the viewer was looked up: it takes no place then.
				if (socket.conn.readyState !== 'open') return next(new Error('closed'));
				const place = principals.take(viewer);
				if (typeof place !== 'function') {
					const data: RefusedHandshakeData = {
						code: TOO_MANY_SOCKETS,
						retryAfterMs: place.retryAfterMs
					};
					return next(Object.assign(new Error(place.message), { data }));
				}
				// The engine's connection closes once, however the socket ends.
				socket.conn.once('close', place);
				socket.data = {
					viewer,
					scope: null
				};
				next();
			})
			.catch((error: unknown) => {
				log.error('socket authentication failed', { error, socketId: socket.id });
				next(new Error('unauthorized'));
			});
	});

	const viewers = watchViewers({
		io,
		log,
		authenticate: deps.authenticate,
		touchSessions: deps.touchSessions,
		leaveLiveRooms,
		sessionSweepMs: deps.sessionSweepMs ?? 30_000
	});

	io.on('connection', (socket: LiveSocket) => {
		socket.on('live:subscribe', (request, reply) => {
			// Lines logged while answering carry the socket's id (never its cookie or token).
			withLogContext({ socketId: socket.id }, () => {
				subscribe(socket, request).then(
					(result) => {
						const answer = result.ok ? result.kind : 'refused';
						meter.subscribed(answer);
						log.debug('subscribe answered', { answer });
						if (typeof reply === 'function') reply(result);
					},
					(error: unknown) => {
						meter.subscribed('failed');
						log.error('subscribe failed', { error });
						if (typeof reply === 'function') reply({ ok: false, error: 'Subscribe failed' });
					}
				);
			});
		});
		socket.on('live:unsubscribe', (reply) => {
			leaveLiveRooms(socket);
			socket.data.scope = null;
			if (typeof reply === 'function') reply({ ok: true });
		});
		// Answered whatever the node's state: it tells a silent node from a dead link.
		socket.on('live:ping', (reply) => {
			if (typeof reply === 'function') reply();
		});
	});

	async function subscribe(socket: LiveSocket, request: unknown): Promise<SubscribeReply> {
		if (!subscribes.take(principalOf(socket.data.viewer))) {
			return { ok: false, error: 'Too many subscribe requests: wait a few seconds' };
		}
		// Never subscribe on access that is being re-checked: wait for the verdict.
		if (socket.data.recheck) await socket.data.recheck;
		if (socket.disconnected) return { ok: false, error: ACCESS_ENDED_REASON };
		// An array passes valibot's object check (it is one, with no keys): not a request either.
		const parsed = Array.isArray(request)
			? v.safeParse(SubscribeRequestSchema, null)
			: v.safeParse(SubscribeRequestSchema, request ?? {});
		if (!parsed.success) {
			return { ok: false, error: `Invalid subscribe request: ${parsed.issues[0].message}` };
		}
		const { tenantId, queueIds, resume } = parsed.output;
		let resolved: TenantScope;
		try {
			resolved = resolveScope(socket.data.viewer, deps.lookups, { tenantId, queueIds });
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
			return { ok: false, error: error.message };
		}
		// Join before catching up: a change emitted while the catch-up is read still reaches this
		// socket, and the client drops whatever the reply already covers (by seq).
		const { scope } = resolved;
		const view = rowViewOf(socket.data.viewer);
		const room = fanout.roomFor(scope, view);
		leaveLiveRooms(socket);
		socket.data.scope = scope;
		void socket.join([room, LIVE_ROOM]);
		const superseded = () => socket.data.scope !== scope || socket.disconnected;
		await written(socket);
		return catchUps.run(async () => {
			// The viewer's access changed, it subscribed again or went away while this waited its
			// turn: that path answers it, and this one costs nothing.
			if (superseded()) return SUPERSEDED;
			const roomReplays = replays.room(room);
			const shared = resume && roomReplays.find(resume, live.position());
			if (shared) return { ok: true, ...shared };
			const caughtUp = await live.catchUp(resolved, resume, view);
			if (superseded()) return SUPERSEDED;
			if (caughtUp.kind === 'replay') {
				return { ok: true, ...roomReplays.keep(resume?.seq ?? caughtUp.seq, caughtUp) };
			}
			const { snapshot } = caughtUp;
			const rows = snapshots.rows(room, snapshot.epoch, snapshot.seq, snapshot.rows);
			return { ok: true, kind: 'snapshot', snapshot: { ...snapshot, rows: sentAs(rows) } };
		});
	}

	/**
	 * Resolves once what the socket was sent before has been handed to the OS: a client that reads
	 * slowly, or not at all, is given no further catch-up to hold in this process's memory.
	 */
	function written(socket: LiveSocket): Promise<void> {
		const { conn } = socket;
		const transport = conn.transport;
		if (transport.writable) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				transport.off('drain', done);
				conn.off('close', done);
				resolve();
			};
			transport.once('drain', done);
			conn.once('close', done);
		});
	}

	function leaveLiveRooms(socket: LiveSocket): void {
		for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
	}

	// Commit → emit is measured after the flush that sends this turn's changes (the fan-out
	// scheduled its flush first), once per entry, not per room or socket.
	let emitting: LogEntry[] = [];
	const unsubscribeLog = live.changeLog.subscribe((entry) => {
		fanout.push(live.changeLog.epoch, entry.changes);
		if (entry.changes.length === 0 || emitting.push(entry) > 1) return;
		setImmediate(() => {
			for (const emitted of emitting) meter.emitted(emitted);
			emitting = [];
		});
	});

	const unsubscribeResync = live.onResync((reason) => {
		fanout.flush();
		for (const socket of io.of('/').sockets.values()) {
			leaveLiveRooms(socket);
			socket.data.scope = null;
		}
		// Access changes in the lost stretch of binlog were never seen: every viewer is checked
		// again before it is told to subscribe (and a subscribe of its own waits for the check).
		viewers.recheckAll((socket) => socket.emit('live:resync', { reason }));
	});

	// Only while this node's view is current: a node cut off from the log (Redis down) falls
	// silent, and every screen on it says it is stale rather than showing old rows as live.
	const heartbeat = setInterval(() => {
		if (!live.isCurrent()) return;
		const payload = { ...live.position(), serverTime: Date.now() };
		io.local.to(LIVE_ROOM).emit('live:heartbeat', payload);
		meter.sent('live:heartbeat', payload, io.of('/').adapter.rooms.get(LIVE_ROOM)?.size ?? 0);
	}, HEARTBEAT_INTERVAL_MS);
	heartbeat.unref();

	io.on('connection', (socket: LiveSocket) => {
		const { viewer } = socket.data;
		const context = { socketId: socket.id };
		withLogContext(context, () =>
			log.debug('socket connected', {
				viewer: viewer.kind === 'wall' ? 'wall' : viewer.role,
				tenant: viewer.tenantId
			})
		);
		socket.on('disconnect', (reason) =>
			withLogContext(context, () => log.debug('socket disconnected', { reason }))
		);
	});

	return {
		io,
		endSessions: viewers.endSessions,
		refreshViewers: viewers.refreshViewers,
		async close() {
			clearInterval(heartbeat);
			viewers.stop();
			unsubscribeLog();
			unsubscribeResync();
			await io.close();
		}
	};
}
