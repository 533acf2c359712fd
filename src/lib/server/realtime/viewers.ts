import { ACCESS_CHANGED_REASON } from '$lib/realtime';
import type { Logger } from '../log';
import type { Viewer } from '../scope';
import { stopWatching } from './rooms';
import type { LiveSocket, RealtimeDeps, RealtimeServer } from './types';

/**
 * Open sockets whose viewer's access changes: ended (signed out, disabled, token revoked,
 * session expired, password changed) or re-resolved (queues re-assigned). A viewer whose scope
 * changed leaves its rooms and is told to subscribe again, which re-checks the scope from
 * scratch. A socket whose viewer cannot be re-checked is closed: it never keeps old access.
 */

export interface ViewerDeps extends Pick<RealtimeDeps, 'authenticate' | 'touchSessions'> {
	io: RealtimeServer;
	log: Logger;
	/** How often open sockets are checked against their session's absolute expiry. */
	sessionSweepMs: number;
}

/** What the scope of a viewer depends on. */
function scopeKey(viewer: Viewer): string {
	return viewer.kind === 'wall'
		? `wall:${viewer.tenantId}:${JSON.stringify(viewer.queueIds)}`
		: `user:${viewer.role}:${viewer.tenantId}:${viewer.queueIds.join(',')}:${viewer.permissions.join(',')}`;
}

/** The same session or token as before: anything else (e.g. a fallback cookie) is not. */
function samePrincipal(before: Viewer, after: Viewer): boolean {
	if (before.kind === 'wall') return after.kind === 'wall' && after.tokenId === before.tokenId;
	return after.kind === 'user' && after.sessionId === before.sessionId;
}

/** What a socket is told when its viewer may no longer watch. */
export const ACCESS_ENDED_REASON = 'Your access has ended';

export function endSocket(socket: LiveSocket, reason: string): void {
	socket.emit('session:ended', { reason });
	socket.disconnect(true);
}

/**
 * Re-resolves a socket's viewer from its handshake. Resolves whether the socket stays open:
 * no viewer, another one, or a failure to check ends it. Subscribes wait for it.
 */
function recheck(
	socket: LiveSocket,
	deps: Pick<ViewerDeps, 'authenticate' | 'log'>
): Promise<{ open: boolean; scopeChanged: boolean }> {
	// One check at a time per socket: an admin action and its binlog echo arrive together, and
	// the second must compare with what the first found, not resync the socket again.
	const previous = socket.data.recheck ?? Promise.resolve();
	let before = socket.data.viewer;
	const authenticated = previous.then(() => {
		before = socket.data.viewer;
		return deps.authenticate(socket.request.headers, socket.handshake.auth);
	});
	const checked = authenticated.then(
		(viewer) => {
			if (!viewer || !samePrincipal(before, viewer)) {
				endSocket(socket, ACCESS_ENDED_REASON);
				return { open: false, scopeChanged: true };
			}
			socket.data.viewer = viewer;
			return { open: true, scopeChanged: scopeKey(before) !== scopeKey(viewer) };
		},
		(error: unknown) => {
			deps.log.error('could not re-check a viewer: closing its socket', { error });
			endSocket(socket, 'Your access could not be checked');
			return { open: false, scopeChanged: true };
		}
	);
	socket.data.recheck = checked.then(() => undefined);
	return checked;
}

/**
 * Sessions end at their absolute expiry even while a socket is open; sockets in use keep their
 * sessions from idling out. Returns the timer.
 */
function sweepSessions(deps: ViewerDeps): NodeJS.Timeout {
	const { io, log } = deps;
	const sweep = setInterval(() => {
		const now = Date.now();
		const inUse = new Set<string>();
		for (const socket of io.of('/').sockets.values()) {
			const viewer = socket.data.viewer;
			if (viewer?.kind !== 'user') continue;
			if (viewer.sessionExpiresAt <= now) endSocket(socket, 'Your session has expired');
			else inUse.add(viewer.sessionId);
		}
		deps.touchSessions([...inUse]).catch((error: unknown) => {
			log.warn('could not mark sessions in use', { error });
		});
	}, deps.sessionSweepMs);
	sweep.unref();
	return sweep;
}

export function watchViewers(deps: ViewerDeps) {
	const { io } = deps;

	async function matching(match: (viewer: Viewer) => boolean): Promise<LiveSocket[]> {
		const sockets = await io.local.fetchSockets();
		return sockets.filter((s) => match(s.data.viewer)) as unknown as LiveSocket[];
	}

	const sweep = sweepSessions(deps);

	return {
		/** Disconnects the sockets of matching viewers (signed out, disabled, token revoked). */
		async endSessions(match: (viewer: Viewer) => boolean, reason: string): Promise<number> {
			const sockets = await matching(match);
			for (const socket of sockets) endSocket(socket, reason);
			return sockets.length;
		},
		/** Re-resolves matching viewers (e.g. changed queue assignment) and makes them resubscribe. */
		async refreshViewers(match: (viewer: Viewer) => boolean): Promise<number> {
			const sockets = await matching(match);
			await Promise.all(
				sockets.map(async (socket) => {
					const { open, scopeChanged } = await recheck(socket, deps);
					// Resubscribing re-checks the scope from scratch; skip it when nothing it uses changed.
					if (open && scopeChanged) {
						stopWatching(socket);
						socket.emit('live:resync', { reason: ACCESS_CHANGED_REASON });
					}
				})
			);
			return sockets.length;
		},
		/**
		 * Every socket, before it may subscribe again after the log restarted: access changes in
		 * the lost stretch of binlog were never seen.
		 */
		recheckAll(onOpen: (socket: LiveSocket) => void): void {
			for (const socket of io.of('/').sockets.values()) {
				void recheck(socket, deps).then(({ open }) => open && onOpen(socket));
			}
		},
		stop(): void {
			clearInterval(sweep);
		}
	};
}
