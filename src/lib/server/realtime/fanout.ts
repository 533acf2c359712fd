import type { LogEntry } from '../changelog/types';
import type { RealtimeMeter } from './types';
import { Fanout, stopWatching } from './rooms';
import type { LiveSocket, RealtimeDeps, RealtimeServer } from './types';

/**
 * The change log to this node's sockets: each entry the live state has applied
 * (`log.appended`) is batched into its scope rooms (rooms.ts: a screen's at each turn, a wall's
 * at WALL_BATCH_MS at most), and a resync (`log.resync`)
 * sends what is pending, empties the rooms and, once each viewer is checked again, tells its
 * screen to subscribe afresh.
 */

export interface FanoutDeps extends Pick<RealtimeDeps, 'live' | 'events'> {
	io: RealtimeServer;
	meter: RealtimeMeter;
	/** Re-checks every socket's viewer; `onOpen` for each that may stay. */
	recheckAll: (onOpen: (socket: LiveSocket) => void) => void;
}

/** Starts fanning out; returns the fan-out (it names the rooms) and the function that stops it. */
export function startFanout(deps: FanoutDeps): { fanout: Fanout; stop: () => void } {
	const { io, live, events, meter } = deps;
	const fanout = new Fanout({
		hasMembers: (room) => io.of('/').adapter.rooms.has(room),
		emit: (room, message) => {
			io.local.to(room).emit('live:changes', message);
			// A socket is in exactly one scope room: its size is the receivers.
			meter.sent('live:changes', message, io.of('/').adapter.rooms.get(room)?.size ?? 0);
		}
	});

	// Commit → emit is measured after the flush that sends this turn's changes (the fan-out
	// scheduled its flush first), once per entry, not per room or socket.
	let emitting: LogEntry[] = [];
	const stopAppended = events.on('log.appended', (entry) => {
		fanout.push(live.position().epoch, entry.changes);
		if (entry.changes.length === 0 || emitting.push(entry) > 1) return;
		setImmediate(() => {
			for (const emitted of emitting) meter.emitted(emitted);
			emitting = [];
		});
	});

	const stopResync = events.on('log.resync', ({ reason }) => {
		fanout.flush();
		for (const socket of io.of('/').sockets.values()) stopWatching(socket);
		// Access changes in the lost stretch of binlog were never seen: every viewer is checked
		// again before it is told to subscribe (and a subscribe of its own waits for the check).
		deps.recheckAll((socket) => socket.emit('live:resync', { reason }));
	});

	return {
		fanout,
		stop() {
			stopAppended();
			stopResync();
			fanout.close();
		}
	};
}
