import { now } from '../lib/stats';
import { Exporters } from './exporters';
import { Fleet } from './fleet';
import { Flood } from './flood';
import { Pollers } from './pollers';

/**
 * A load process: a fleet of Socket.IO clients and/or polling dashboards, driven over IPC by
 * bench/lib/load.ts. It exits when told, or when its parent goes away.
 */

let fleet: Fleet | null = null;
let pollers: Pollers | null = null;
let flood: Flood | null = null;
let exporters: Exporters | null = null;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = any;

const commands: Record<string, (args: Args) => unknown> = {
	now: () => now(),
	cpu: () => process.cpuUsage(),
	openSockets: async (args) => {
		fleet ??= new Fleet();
		return fleet.open(args);
	},
	record: (args) => fleet?.record(args.space),
	stopRecording: () => fleet?.stopRecording(),
	progress: () => fleet?.progress() ?? { deliveries: 0, disconnected: 0 },
	counters: () => fleet?.counters() ?? { heartbeats: 0, stale: 0, hung: 0 },
	leaveLive: () => fleet?.leaveLive(),
	rejoinLive: (args) => fleet?.rejoinLive(args.maxMs) ?? 0,
	fleetResults: (args) =>
		(fleet ?? new Fleet()).results(args.table, args.offsetMs, args.withSamples ?? false),
	firstReceiptsAfter: (args) =>
		(fleet ?? new Fleet()).firstReceiptsAfter(args.table, args.offsetMs, args.since),
	closeSockets: async () => {
		await fleet?.close();
		fleet = null;
	},
	startPolling: (args) => {
		pollers = new Pollers(args);
		pollers.start();
	},
	stopPolling: async () => pollers?.stop(),
	pollResults: (args) => pollers?.results(args.table, args.offsetMs),
	startFlood: (args) => {
		flood = new Flood();
		flood.start(args);
	},
	floodResults: async () => flood?.results() ?? null,
	stopFlood: async () => {
		await flood?.stop();
		flood = null;
	},
	startExports: (args) => {
		exporters = new Exporters();
		exporters.start(args);
	},
	stopExports: async () => exporters?.stop(),
	exit: async () => {
		await fleet?.close();
		await flood?.stop();
		await pollers?.stop();
		await exporters?.stop();
		setTimeout(() => process.exit(0), 50);
	}
};

process.on('message', (message: { id: number; command: string; args: unknown }) => {
	const handler = commands[message.command];
	Promise.resolve()
		.then(() => {
			if (!handler) throw new Error(`unknown command ${message.command}`);
			return handler(message.args);
		})
		.then(
			(result) => process.send?.({ id: message.id, ok: true, result }),
			(error: unknown) =>
				process.send?.({
					id: message.id,
					ok: false,
					error: (error as Error).message ?? String(error)
				})
		);
});

process.on('disconnect', () => process.exit(0));
