import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import * as v from 'valibot';
import type { InteractionChange } from '$lib/interaction';
import {
	HEARTBEAT_INTERVAL_MS,
	SubscribeRequestSchema,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SubscribeReply
} from '$lib/realtime';
import type { LiveService } from '../live';
import type { Logger } from '../log';
import {
	canSee,
	narrowScope,
	projectChange,
	scopeFor,
	ScopeError,
	type Scope,
	type Viewer
} from '../scope';
import { deliveriesOf, roomsFor } from './rooms';

/**
 * Socket.IO on the app's HTTP server. The server decides room membership from the viewer's
 * scope; the client can only ask to narrow it. Every message is validated; a bad one gets an
 * error reply and never reaches the pipeline.
 */

export interface RealtimeDeps {
	live: LiveService;
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
	/** How often open sockets are checked against their session's absolute expiry (ms). */
	sessionSweepMs?: number;
}

/** The default of `sessionSweepMs`. */
const SESSION_SWEEP_MS = 30_000;

interface SocketData {
	viewer: Viewer;
	scope: Scope | null;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export interface Realtime {
	io: RealtimeServer;
	/** Disconnects the sockets of matching viewers (signed out, disabled, token revoked). */
	endSessions(match: (viewer: Viewer) => boolean, reason: string): Promise<number>;
	/** Re-resolves matching viewers (e.g. changed queue assignment) and makes them resubscribe. */
	refreshViewers(match: (viewer: Viewer) => boolean): Promise<number>;
	close(): Promise<void>;
}

/** A handshake without Origin is not from a browser page (tools, tests): the cookie still rules. */
function isSameOrigin(
	headers: Record<string, string | string[] | undefined>,
	allowed: string | undefined
): boolean {
	const origin = headers.origin;
	if (typeof origin !== 'string') return true;
	try {
		if (allowed) return new URL(origin).origin === new URL(allowed).origin;
		return new URL(origin).host === headers.host;
	} catch {
		return false;
	}
}

/** What the scope of a viewer depends on. */
function scopeKey(viewer: Viewer): string {
	return viewer.kind === 'wall'
		? `wall:${viewer.tenantId}:${JSON.stringify(viewer.queueIds)}`
		: `user:${viewer.role}:${viewer.tenantId}:${viewer.queueIds.join(',')}:${viewer.permissions.join(',')}`;
}

export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
	const { live, log } = deps;
	const io: RealtimeServer = new Server(httpServer, {
		serveClient: false,
		pingInterval: 10_000,
		pingTimeout: 8_000,
		maxHttpBufferSize: 64 * 1024,
		// Browsers send cookies on cross-site WebSocket handshakes too: accept only our own origin.
		allowRequest: (request, callback) =>
			callback(null, isSameOrigin(request.headers, deps.allowedOrigin))
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
			const answer = typeof reply === 'function' ? reply : undefined;
			const result = subscribe(socket, request);
			if (answer) answer(result);
		});
		socket.on('live:unsubscribe', (reply) => {
			leaveLiveRooms(socket);
			socket.data.scope = null;
			if (typeof reply === 'function') reply({ ok: true });
		});
	});

	function subscribe(socket: LiveSocket, request: unknown): SubscribeReply {
		const parsed = v.safeParse(SubscribeRequestSchema, request ?? {});
		if (!parsed.success) {
			return { ok: false, error: `Invalid subscribe request: ${parsed.issues[0].message}` };
		}
		const { tenantId, queueIds, resume } = parsed.output;
		let scope: Scope;
		try {
			scope = narrowScope(scopeFor(socket.data.viewer, tenantId), queueIds);
		} catch (error) {
			if (!(error instanceof ScopeError)) throw error;
			if (error.refusal)
				deps.auditRefusal(socket.data.viewer, `socket subscribe: ${error.message}`);
			return { ok: false, error: error.message };
		}
		const tenant = live.lookups.tenants.get(scope.tenantId);
		if (!tenant) return { ok: false, error: 'Unknown tenant' };

		// Everything below runs in one tick: no change can land between the reply and the join.
		leaveLiveRooms(socket);
		socket.data.scope = scope;
		void socket.join(roomsFor(scope));
		const log = live.changeLog;
		if (resume && resume.epoch === log.epoch) {
			const missed = log.since(resume.seq);
			if (missed) {
				const changes: InteractionChange[] = [];
				for (const change of missed) {
					const visible = projectChange(change, scope);
					if (visible) changes.push(visible);
				}
				return {
					ok: true,
					kind: 'replay',
					epoch: log.epoch,
					seq: live.state.seq,
					tenant,
					serverTime: Date.now(),
					changes
				};
			}
		}
		const snapshot = live.snapshot(scope.tenantId, (row) => canSee(scope, row));
		if (!snapshot) return { ok: false, error: 'Unknown tenant' };
		return { ok: true, kind: 'snapshot', snapshot };
	}

	function leaveLiveRooms(socket: LiveSocket): void {
		for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
	}

	const unsubscribeLog = live.changeLog.subscribe((changes) => {
		const epoch = live.changeLog.epoch;
		for (const change of changes) {
			for (const delivery of deliveriesOf(change)) {
				io.local
					.to(delivery.to)
					.except(delivery.except)
					.emit('live:changes', { epoch, changes: [delivery.change] });
			}
		}
	});

	const unsubscribeResync = live.onResync((reason) => {
		for (const socket of io.of('/').sockets.values()) {
			leaveLiveRooms(socket);
			socket.data.scope = null;
		}
		io.local.emit('live:resync', { reason });
	});

	const heartbeat = setInterval(() => {
		io.local.emit('live:heartbeat', {
			epoch: live.changeLog.epoch,
			seq: live.state.seq,
			serverTime: Date.now()
		});
	}, HEARTBEAT_INTERVAL_MS);
	heartbeat.unref();

	const sessionSweep = setInterval(() => {
		const now = Date.now();
		const inUse = new Set<string>();
		for (const socket of io.of('/').sockets.values()) {
			const viewer = socket.data.viewer;
			if (viewer?.kind !== 'user') continue;
			if (viewer.sessionExpiresAt <= now) {
				socket.emit('session:ended', { reason: 'Your session has expired' });
				socket.disconnect(true);
			} else {
				inUse.add(viewer.sessionId);
			}
		}
		deps.touchSessions([...inUse]).catch((error: unknown) => {
			log.warn('could not mark sessions in use', { error });
		});
	}, deps.sessionSweepMs ?? SESSION_SWEEP_MS);
	sessionSweep.unref();

	async function matchingSockets(match: (viewer: Viewer) => boolean): Promise<LiveSocket[]> {
		const sockets = await io.local.fetchSockets();
		return sockets.filter((s) => match(s.data.viewer)) as unknown as LiveSocket[];
	}

	return {
		io,
		async endSessions(match, reason) {
			const sockets = await matchingSockets(match);
			for (const socket of sockets) {
				socket.emit('session:ended', { reason });
				socket.disconnect(true);
			}
			return sockets.length;
		},
		async refreshViewers(match) {
			let refreshed = 0;
			for (const socket of await matchingSockets(match)) {
				const viewer = await deps.authenticate(socket.request.headers, socket.handshake.auth);
				if (!viewer) {
					socket.emit('session:ended', { reason: 'Your access has ended' });
					socket.disconnect(true);
				} else {
					const before = socket.data.viewer;
					socket.data.viewer = viewer;
					// Resubscribing re-checks the scope from scratch; skip it when nothing it uses changed.
					if (scopeKey(before) !== scopeKey(viewer)) {
						leaveLiveRooms(socket);
						socket.data.scope = null;
						socket.emit('live:resync', { reason: 'Your access changed' });
					}
				}
				refreshed++;
			}
			return refreshed;
		},
		async close() {
			clearInterval(heartbeat);
			clearInterval(sessionSweep);
			unsubscribeLog();
			unsubscribeResync();
			await io.close();
		}
	};
}
