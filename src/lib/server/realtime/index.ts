import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import {
	HEARTBEAT_INTERVAL_MS,
	SubscribeRequestSchema,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SubscribeReply
} from '$lib/realtime';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import type { Lookups } from '../lookups';
import { resolveScope, ScopeError, type Scope, type TenantScope, type Viewer } from '../scope';
import { isSameOrigin } from './origin';
import { Fanout } from './rooms';
import { watchViewers } from './viewers';

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
	/** Records a refused attempt to see data outside the viewer's scope. */
	auditRefusal: (viewer: Viewer, detail: string) => void;
	/** Marks sessions with open sockets as in use (they are watching, not idle). */
	touchSessions: (sessionIds: string[]) => Promise<void>;
	/** The public origin; when unset, a browser's Origin must match the Host it connected to. */
	allowedOrigin?: string;
	/** How often open sockets are checked against their session's absolute expiry. */
	sessionSweepMs?: number;
}

interface SocketData {
	viewer: Viewer;
	scope: Scope | null;
}

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

export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
	const { live, log } = deps;
	const io: RealtimeServer = new Server(httpServer, {
		serveClient: false,
		pingInterval: 10_000,
		pingTimeout: 8_000,
		maxHttpBufferSize: 64 * 1024,
		allowRequest: (request, callback) =>
			callback(null, isSameOrigin(request.headers, deps.allowedOrigin))
	});

	const fanout = new Fanout({
		hasMembers: (room) => io.of('/').adapter.rooms.has(room),
		emit: (room, message) => io.local.to(room).emit('live:changes', message)
	});

	io.use((socket, next) => {
		deps
			.authenticate(socket.request.headers, socket.handshake.auth)
			.then((viewer) => {
				if (!viewer) return next(new Error('unauthorized'));
				socket.data = { viewer, scope: null };
				next();
			})
			.catch((error: unknown) => {
				log.error('socket authentication failed', { error });
				next(new Error('unauthorized'));
			});
	});

	io.on('connection', (socket: LiveSocket) => {
		socket.on('live:subscribe', (request, reply) => {
			subscribe(socket, request).then(
				(result) => {
					if (typeof reply === 'function') reply(result);
				},
				(error: unknown) => {
					log.error('subscribe failed', { error });
					if (typeof reply === 'function') reply({ ok: false, error: 'Subscribe failed' });
				}
			);
		});
		socket.on('live:unsubscribe', (reply) => {
			leaveLiveRooms(socket);
			socket.data.scope = null;
			if (typeof reply === 'function') reply({ ok: true });
		});
	});

	async function subscribe(socket: LiveSocket, request: unknown): Promise<SubscribeReply> {
		const parsed = v.safeParse(SubscribeRequestSchema, request ?? {});
		if (!parsed.success) {
			return { ok: false, error: `Invalid subscribe request: ${parsed.issues[0].message}` };
		}
		const { tenantId, queueIds, resume } = parsed.output;
		let resolved: TenantScope;
		try {
			resolved = resolveScope(socket.data.viewer, deps.lookups, { tenantId, queueIds });
		} catch (error) {
			if (!(error instanceof ScopeError)) throw error;
			if (error.refusal) {
				deps.auditRefusal(socket.data.viewer, `socket subscribe: ${error.message}`);
			}
			return { ok: false, error: error.message };
		}
		// Join before catching up: a change emitted while the catch-up is read still reaches this
		// socket, and the client drops whatever the reply already covers (by seq).
		const { scope } = resolved;
		leaveLiveRooms(socket);
		socket.data.scope = scope;
		void socket.join(fanout.roomFor(scope));
		const caughtUp = await live.catchUp(resolved, resume);
		// The viewer's access changed (or it subscribed again) meanwhile: that path answers it.
		if (socket.data.scope !== scope) return { ok: false, error: 'Superseded' };
		return { ok: true, ...caughtUp };
	}

	function leaveLiveRooms(socket: LiveSocket): void {
		for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
	}

	const unsubscribeLog = live.changeLog.subscribe(({ changes }) => {
		fanout.push(live.changeLog.epoch, changes);
	});

	const unsubscribeResync = live.onResync((reason) => {
		fanout.flush();
		for (const socket of io.of('/').sockets.values()) {
			leaveLiveRooms(socket);
			socket.data.scope = null;
		}
		io.local.emit('live:resync', { reason });
	});

	// Only while this node's view is current: a node cut off from the log (Redis down) falls
	// silent, and every screen on it says it is stale rather than showing old rows as live.
	const heartbeat = setInterval(() => {
		if (!live.isCurrent()) return;
		io.local.emit('live:heartbeat', { ...live.position(), serverTime: Date.now() });
	}, HEARTBEAT_INTERVAL_MS);
	heartbeat.unref();

	const viewers = watchViewers({
		io,
		log,
		authenticate: deps.authenticate,
		touchSessions: deps.touchSessions,
		leaveLiveRooms,
		sessionSweepMs: deps.sessionSweepMs ?? 30_000
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
