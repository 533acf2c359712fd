import type { AlertRecord } from '../alerts/record';
import type { LogEntry } from '../changelog/types';
import type { AccessChange } from '../changelog/types';

/**
 * The app's in-process events, one typed map (after immich's EventRepository): whoever learns
 * something emits it here, and whoever acts on it registers a handler, so neither side holds a
 * reference to the other. One bus per app (tests start several apps in one process).
 *
 * Order is part of the contract: an event's handlers run by priority, then in the order they
 * were registered, and a handler that returns a promise is awaited before the next one runs.
 * While every handler of an event is synchronous, `emit` is too: the change log's entries fan
 * out in the turn they arrive.
 */

/**
 * Where an access change was learnt. `action`: an admin action on this node (its caller waits
 * for this node's sockets, then the other nodes are told); `binlog`: the dashboard database's
 * binlog, read by every node; `peer`: another node's admin action, over Redis.
 */
export type AccessSource = 'action' | 'binlog' | 'peer';

/** Why this node tails the binlog now: it evaluates alerts under this lead (alerts/store.ts). */
export interface Lead {
	/** The lease's fencing token; null on a single node, the only one that tails. */
	token: number | null;
	/** Redis held no change log when this node took the lead: its token count may have restarted. */
	fresh: boolean;
}

export interface AppEvents {
	/**
	 * An entry of the change log, already applied to this node's live state: handlers (the
	 * fan-out) read the state as the entry left it. Emitted in sequence order, on every node.
	 */
	'log.appended': [entry: LogEntry];
	/** The log started afresh, or this node re-synced: every open screen subscribes again. */
	'log.resync': [{ reason: string }];
	/**
	 * This node lost its place in the shared log (another epoch, Redis lost it, or a gap in the
	 * stream): it must sync again before its state follows the log.
	 */
	'log.diverged': [{ epoch: string }];
	/** This node's append to the shared log was refused: another node leads. */
	'log.fenced': [];
	/**
	 * This node's append was refused because another Redis process serves the shared log than
	 * the one its epoch was started on (a failover, a restart): the leader starts a new epoch.
	 */
	'log.serverChanged': [];
	/** Users, queue assignments, sessions or wall tokens changed: open sockets follow. */
	'access.changed': [change: AccessChange, source: AccessSource];
	/**
	 * An alert fired, cleared or was acknowledged: read from the dashboard binlog (`alerts` rows,
	 * carried in the change log's entries), so every node hears it once, in log order.
	 */
	'alert.changed': [alert: AlertRecord];
	/** This node started tailing the binlog: it alone evaluates alert rules, under `lead`. */
	'tailing.started': [lead: Lead];
	/** This node stopped tailing (stepped down, stopping): it stops evaluating. */
	'tailing.stopped': [];
}

/** When a handler runs among an event's handlers (lower first; equal: in registration order). */
export const Priority = {
	/** This node's own part: its state, its screens, its counters. */
	thisNode: 0,
	/** Telling the other nodes: after this node has done its part. */
	otherNodes: 10
} as const;

type Handler<Args extends unknown[]> = (...args: Args) => void | Promise<void>;

interface Registered {
	handler: Handler<unknown[]>;
	priority: number;
}

const DONE = Promise.resolve();

export class EventBus<Events extends { [Name in keyof Events]: unknown[] }> {
	// Replaced, never changed in place: a handler that unregisters while an event is being
	// handled (a one-off wait) does not make the loop skip the next one.
	#handlers = new Map<keyof Events, readonly Registered[]>();

	/** Registers `handler` for `event`; returns the function that unregisters it. */
	on<Name extends keyof Events>(
		event: Name,
		handler: Handler<Events[Name]>,
		priority: number = Priority.thisNode
	): () => void {
		const registered: Registered = { handler: handler as Handler<unknown[]>, priority };
		const before = this.#handlers.get(event) ?? [];
		const after = before.findIndex((other) => other.priority > priority);
		const at = after === -1 ? before.length : after;
		this.#handlers.set(event, [...before.slice(0, at), registered, ...before.slice(at)]);
		return () => {
			const now = this.#handlers.get(event) ?? [];
			this.#handlers.set(
				event,
				now.filter((other) => other !== registered)
			);
		};
	}

	/**
	 * Runs the event's handlers in order. Resolves once the last has finished; rejects with the
	 * first handler that fails (the ones after it do not run).
	 */
	emit<Name extends keyof Events>(event: Name, ...args: Events[Name]): Promise<void> {
		return runFrom(this.#handlers.get(event) ?? [], 0, args);
	}
}

function runFrom(handlers: readonly Registered[], from: number, args: unknown[]): Promise<void> {
	for (let i = from; i < handlers.length; i++) {
		const result = handlers[i].handler(...args);
		if (result) return result.then(() => runFrom(handlers, i + 1, args));
	}
	return DONE;
}

export type AppEventBus = EventBus<AppEvents>;

export function createEventBus(): AppEventBus {
	return new EventBus<AppEvents>();
}
