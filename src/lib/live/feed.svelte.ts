import { io, type Socket } from 'socket.io-client';
import type { Interaction, InteractionChange, TenantInfo } from '$lib/interaction';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	SubscribeReply,
	SubscribeRequest
} from '$lib/realtime';
import { startOfZonedDay } from '$lib/time/zone';
import { applyChange, dropBeforeToday } from './apply';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'error' | 'ended';

export interface FeedOptions {
	tenantId?: number;
	queueIds?: number[];
	wallToken?: string;
}

/**
 * The browser's live rows: owns the socket, takes a snapshot, applies later changes in order,
 * and on reconnect asks only for what it missed. Changes at or below the snapshot's sequence are
 * dropped, so nothing is applied twice. Renders are batched to one per animation frame.
 */
export class LiveFeed {
	status = $state<FeedStatus>('connecting');
	error = $state<string | null>(null);
	tenant = $state<TenantInfo | null>(null);
	/** Bumped once per frame in which rows changed; read it to re-derive views. */
	version = $state(0);
	/** Browser clock minus server clock, in ms: subtract from Date.now() for server time. */
	clockSkewMs = $state(0);
	/** When the server was last heard from (any message), in browser time. */
	lastHeardAt = $state(0);
	/**
	 * Not a SvelteMap on purpose: 200 changes/s would each trigger work; views re-derive once
	 * per frame from `version` instead.
	 */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly rows = new Map<string, Interaction>();
	/** When each row last changed status (browser ms), for a brief highlight in the grid. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly statusChangedAt = new Map<string, number>();

	#socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	#epoch: string | null = null;
	#seq = 0;
	#subscribed = false;
	#pending: InteractionChange[] = [];
	#frame = 0;
	#todayStartMs = 0;

	constructor(private readonly options: FeedOptions = {}) {
		this.#socket = io({
			transports: ['websocket'],
			auth: options.wallToken ? { wallToken: options.wallToken } : {},
			reconnectionDelay: 500,
			reconnectionDelayMax: 10_000
		});
		this.#socket.on('connect', () => this.#subscribe(true));
		this.#socket.on('disconnect', () => {
			this.#subscribed = false;
			if (this.status !== 'ended') this.status = 'reconnecting';
		});
		this.#socket.on('connect_error', (error) => {
			if (error.message === 'unauthorized') {
				this.status = 'ended';
				this.error = 'Signed out';
				this.#socket.disconnect();
			} else {
				this.status = 'reconnecting';
			}
		});
		this.#socket.on('live:changes', ({ epoch, changes }) => {
			this.lastHeardAt = Date.now();
			if (!this.#subscribed) return void this.#pending.push(...changes);
			if (epoch !== this.#epoch) return this.#subscribe(false);
			this.#apply(changes);
		});
		this.#socket.on('live:resync', () => this.#subscribe(false));
		this.#socket.on('live:heartbeat', ({ epoch, serverTime }) => {
			this.lastHeardAt = Date.now();
			this.clockSkewMs = Date.now() - serverTime;
			if (this.#subscribed && epoch !== this.#epoch) this.#subscribe(false);
		});
		this.#socket.on('session:ended', ({ reason }) => {
			this.status = 'ended';
			this.error = reason;
		});
	}

	/** Server time now, as well as the browser can tell. */
	serverNow(): number {
		return Date.now() - this.clockSkewMs;
	}

	close(): void {
		cancelAnimationFrame(this.#frame);
		this.#socket.disconnect();
	}

	#subscribe(resume: boolean): void {
		this.#subscribed = false;
		this.#pending = [];
		const request: SubscribeRequest = {
			tenantId: this.options.tenantId,
			queueIds: this.options.queueIds,
			resume: resume && this.#epoch ? { epoch: this.#epoch, seq: this.#seq } : undefined
		};
		this.#socket.emit('live:subscribe', request, (reply: SubscribeReply) => this.#onReply(reply));
	}

	#onReply(reply: SubscribeReply): void {
		this.lastHeardAt = Date.now();
		if (!reply.ok) {
			this.status = 'error';
			this.error = reply.error;
			return;
		}
		if (reply.kind === 'snapshot') {
			const { snapshot } = reply;
			this.rows.clear();
			this.statusChangedAt.clear();
			for (const row of snapshot.rows) this.rows.set(row.id, row);
			this.#epoch = snapshot.epoch;
			this.#seq = snapshot.seq;
			this.tenant = snapshot.tenant;
			this.clockSkewMs = Date.now() - snapshot.serverTime;
		} else {
			this.tenant = reply.tenant;
			this.clockSkewMs = Date.now() - reply.serverTime;
			this.#apply(reply.changes);
			this.#seq = Math.max(this.#seq, reply.seq);
		}
		this.#todayStartMs = startOfZonedDay(this.serverNow(), this.tenant.timezone);
		this.#subscribed = true;
		this.status = 'live';
		this.error = null;
		const pending = this.#pending;
		this.#pending = [];
		this.#apply(pending);
		this.#render();
	}

	#apply(changes: InteractionChange[]): void {
		for (const change of changes) {
			if (change.seq <= this.#seq) continue;
			const before = this.rows.get(change.id)?.status;
			applyChange(this.rows, change, this.#todayStartMs);
			const after = this.rows.get(change.id)?.status;
			if (after && after !== before) this.statusChangedAt.set(change.id, Date.now());
			else if (!after) this.statusChangedAt.delete(change.id);
			this.#seq = change.seq;
		}
		this.#render();
	}

	/** Called by the page's clock: drops yesterday's closed rows when the tenant's day ends. */
	tick(): void {
		if (!this.tenant) return;
		const todayStart = startOfZonedDay(this.serverNow(), this.tenant.timezone);
		if (todayStart !== this.#todayStartMs) {
			this.#todayStartMs = todayStart;
			if (dropBeforeToday(this.rows, todayStart) > 0) this.#render();
		}
		// Highlights are brief: forget them so the map does not grow over a day.
		const stale = Date.now() - 5000;
		for (const [id, at] of this.statusChangedAt) {
			if (at < stale) this.statusChangedAt.delete(id);
		}
	}

	#render(): void {
		if (this.#frame) return;
		const flush = () => {
			this.#frame = 0;
			this.version++;
		};
		this.#frame =
			typeof requestAnimationFrame === 'function'
				? requestAnimationFrame(flush)
				: (setTimeout(flush, 16) as unknown as number);
	}
}
