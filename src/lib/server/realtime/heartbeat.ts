import { HEARTBEAT_INTERVAL_MS } from '$lib/realtime';
import type { RealtimeMeter } from './types';
import { LIVE_ROOM } from './rooms';
import type { RealtimeDeps, RealtimeServer } from './types';

export interface HeartbeatDeps extends Pick<RealtimeDeps, 'live' | 'isCurrent'> {
	io: RealtimeServer;
	meter: RealtimeMeter;
}

/**
 * Tells every subscribed socket the log position now and then, so a screen can tell a silent
 * server from a quiet one. Only while this node's view is current: a node cut off from the log
 * (Redis down) falls silent, and every screen on it says it is stale rather than showing old
 * rows as live. Returns the function that stops it.
 */
export function startHeartbeat({ io, live, isCurrent, meter }: HeartbeatDeps): () => void {
	const heartbeat = setInterval(() => {
		if (!isCurrent()) return;
		const payload = { ...live.position(), serverTime: Date.now() };
		io.local.to(LIVE_ROOM).emit('live:heartbeat', payload);
		meter.sent('live:heartbeat', payload, io.of('/').adapter.rooms.get(LIVE_ROOM)?.size ?? 0);
	}, HEARTBEAT_INTERVAL_MS);
	heartbeat.unref();
	return () => clearInterval(heartbeat);
}
