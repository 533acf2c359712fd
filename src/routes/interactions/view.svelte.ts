import { tick, untrack } from 'svelte';
import { goto, invalidateAll } from '$app/navigation';
import { resolve } from '$app/paths';
import { page } from '$app/state';
import {
	HISTORY_SORT_KEYS,
	matchesFilters,
	SORT_KEYS,
	viewSearchParams,
	type SortKey,
	type ViewFilters
} from '$lib/filters';
import { PagedRows } from '$lib/history/pages.svelte';
import { clockInZone } from '$lib/format';
import type { Interaction } from '$lib/interaction';
import { LiveFeed } from '$lib/live/feed.svelte';
import { compareRows } from '$lib/live/sort';
import { ChangedRows, SortedRows } from '$lib/live/sorted-rows';
import { thresholdsLookup } from '$lib/queues/thresholds';
import { formatZonedDate, zonedDateOf } from '$lib/time/zone';
import { intervalFilters } from '$lib/range/narrow';
import type { IntervalSize, VolumeInterval } from '$lib/range/picture';
import { ReplayAddress } from '$lib/replay/address';
import { replayDayUrl } from '$lib/replay/param';
import { ReplayPlayer } from '$lib/replay/player.svelte';
import type { PageData } from './$types';

type WindowParam = 'contact' | 'phone' | 'agent';

/** A history range's pages: the first screenful fast, then growing (issue 26, item 9). */
const HISTORY_PAGE_SIZES = [200, 500, 1000, 2000];

/**
 * The interactions page's state: the live feed and its clock, today's rows from the feed or a
 * history range paged from the server, the open client/agent window, and navigation. The whole
 * view lives in the URL, so every change is a navigation and the page's data drives the rest.
 * Build it while the page initialises: its effects belong to the page and end with it.
 */
export class InteractionsView {
	readonly #data: () => PageData;

	feed = $state<LiveFeed | null>(null);
	now = $state(Date.now());
	history = $state<PagedRows | null>(null);
	windowList = $state<PagedRows | null>(null);
	/** `?at=`: the day replayed in the browser, at its time (issue 25). */
	player = $state<ReplayPlayer | null>(null);

	readonly tenantId = $derived.by(() => this.#data().tenant.id);
	readonly replaying = $derived.by(() => this.#data().replay.replay !== null);
	readonly live = $derived.by(() => this.#data().filters.range === 'today' && !this.replaying);
	readonly hasErrors = $derived.by(
		() => Object.keys(this.#data().errors).length > 0 || this.#data().replay.error !== null
	);
	readonly sortable = $derived(this.live || this.replaying ? SORT_KEYS : HISTORY_SORT_KEYS);
	/** Where the grid's and the strip's rows come from: the live feed, or the replayed day. */
	readonly source = $derived(this.replaying ? this.player : this.live ? this.feed : null);
	/** Signed out or access ended: final, and nothing of the tenant may stay on screen. */
	readonly ended = $derived(this.feed?.status === 'ended');
	readonly thresholdsOf = $derived.by(() => thresholdsLookup(this.#data().queues));
	/** The one day the grid's rows are of (today, the replayed day, a one-day range), or null. */
	readonly day = $derived.by((): string | null => {
		const { span, tenant } = this.#data();
		if (this.source) return formatZonedDate(zonedDateOf(this.now, tenant.timezone));
		return span.fromDate === span.toDate ? span.fromDate : null;
	});
	readonly #tenantParam = $derived.by(() =>
		this.#data().tenantQuery ? String(this.tenantId) : ''
	);

	// One function object per filter and order, as SortedRows needs to keep its rows in place.
	readonly #matches = $derived.by(() => {
		const { filters } = this.#data();
		return (row: Interaction) => matchesFilters(row, filters);
	});
	readonly #order = $derived.by(() => {
		const { sort, dir } = this.#data().filters;
		// Durations order by the clock: a new order each second; others never read it.
		return compareRows(sort, dir, sort === 'duration' || sort === 'acw' ? this.now : 0);
	});
	// The grid re-reads the rows at every frame: they are patched in place of the frame before
	// last's rather than copied whole (SortedRows `reuse`).
	readonly #sorted = new SortedRows({ reuse: true });
	/** The feed's rows changed since the open window's list last followed them. */
	readonly #windowChanges = new ChangedRows();
	readonly #liveRows = $derived.by((): readonly Interaction[] => {
		// A replay sorts the day once and merges the rows in progress at T (SortedAt).
		if (this.player) {
			const { sort, dir } = this.#data().filters;
			return this.player.sortedRows(this.#matches, this.#order, `${sort} ${dir}`);
		}
		// Until the socket's first part is in (and on the server, where there is no feed), the
		// first screenful the page came with.
		const first = this.#data().first;
		if (this.live && first && (!this.feed || this.feed.version === 0)) return first;
		if (!this.source) return [];
		return this.#sorted.update(this.source, this.#matches, this.#order);
	});

	// A history range is a server-side query with the same filters; it reloads when the view changes.
	readonly #historyQuery = $derived.by(() =>
		viewSearchParams(this.#data().filters, { tenant: this.#tenantParam }).toString()
	);
	// A field in error shows nothing, as the status line says (a queue out of scope in a link
	// used to leave every other queue's rows on screen under "Nothing is shown").
	readonly rows = $derived(
		this.ended || this.hasErrors
			? []
			: this.source || this.live
				? this.#liveRows
				: (this.history?.rows ?? [])
	);
	/**
	 * The live rows (or the replayed day) have come whole at least once: while a snapshot's
	 * parts come in, the rows are part of the day, and neither their count nor figures of them
	 * are the day's.
	 */
	readonly liveReady = $derived(
		this.player ? !this.player.loading : this.feed?.tenant != null && this.feed.whole
	);
	/** A view that found nothing, settled: no rows, no error, nothing still loading. */
	readonly emptied = $derived(
		!this.ended &&
			!this.hasErrors &&
			this.rows.length === 0 &&
			(this.source
				? this.liveReady
				: this.history !== null && this.history.done && !this.history.error)
	);
	/** Any filter besides the range is set (what "Clear filters" clears). */
	readonly filtered = $derived.by(() => {
		const { agent, did, queueId, channel, disposition, status } = this.#data().filters;
		return Boolean(agent || did || queueId !== null || channel || disposition || status);
	});
	readonly clearFilters = () =>
		this.change({
			agent: '',
			did: '',
			queueId: null,
			channel: null,
			disposition: '',
			status: null
		});
	/**
	 * How many live rows the grid holds, for the status line: it follows the figures' pace, not
	 * every frame, so the text around the grid does not re-lay out the page at each change.
	 * A new filter counts at once.
	 */
	readonly liveCount = $derived.by(() => {
		void this.source?.figuresVersion;
		void this.#data().filters;
		return untrack(() => this.rows.length);
	});
	/** When the live rows were last current (the tenant's clock), once they no longer are. */
	readonly staleSince = $derived.by(() => {
		const until = this.feed?.currentUntil() ?? null;
		return until === null ? null : clockInZone(until, this.#data().tenant.timezone);
	});
	readonly exportHref = $derived(`/api/interactions/export?${this.#historyQuery}`);
	/** The grid's query, for the range picture's CSV links. */
	readonly query = $derived(this.#historyQuery);
	/** The range picture's source: none on Today (live rows have the strip), in a replay (it would be of now, not T), or while a field is wrong. */
	readonly pictureHref = $derived(
		this.live || this.replaying || this.hasErrors ? null : `/api/insight?${this.#historyQuery}`
	);
	/** The grid's first page is in (or failed): the picture's heavier query may start. */
	readonly gridSettled = $derived(
		this.history !== null &&
			(!this.history.loading || this.history.rows.length > 0 || this.history.error !== null)
	);
	readonly #address = new ReplayAddress(() => this.#data().tenant.timezone);
	readonly #replayDay = $derived.by(() => {
		const date = this.#data().replay.replay?.date;
		if (!date) return null;
		return { url: replayDayUrl(date, { tenantId: Number(this.#tenantParam) || null }) };
	});
	/** Said once this viewer's queues were re-assigned while the page was open. */
	accessNotice = $state<string | null>(null);
	/** Which filters a tenant switch cleared (they named things of the tenant left). */
	tenantNotice = $state<string | null>(null);

	constructor(data: () => PageData) {
		this.#data = data;

		// One socket for the page, kept across filter and range changes (only a tenant switch renews it).
		// A replay follows the position and alerts only: the live day's rows (all of a big
		// tenant's day) it never shows are not sent (issue 25).
		$effect(() => {
			const rows = untrack(() => !this.replaying);
			// Drawn in the task after a change comes (renderEveryMs 0), not in the next frame's
			// animation callbacks: the grid's script then runs between frames rather than at the
			// start of the frame that paints it (issue 26, 200 changes/s, five pairs: p50 about
			// 1 ms sooner, p99 1.53 -> 1.30 times the floor's; bench/RESULTS.md). A render costs
			// what its changes do (SortedRows, ChangedRows); a hidden tab's timers are slowed.
			const current = new LiveFeed({ tenantId: this.tenantId, rows, renderEveryMs: 0 });
			this.feed = current;
			return () => current.close();
		});
		// Into a replay and back to live: the same socket, its rows dropped or asked for afresh.
		$effect(() => {
			const rows = !this.replaying;
			untrack(() => this.feed?.followRows(rows));
		});

		// Queues re-assigned while the page is open: the feed already resubscribed to the new
		// scope; reload the page's data too, so the Queue filter and the strip list the new queues.
		$effect(() => {
			if (!this.feed || this.feed.accessChanges === 0) return;
			untrack(() => {
				this.accessNotice =
					'Your queues were changed by an administrator: the screen now shows the new ones.';
				void invalidateAll();
			});
		});

		$effect(() => {
			const clock = setInterval(() => {
				if (this.player) return; // a replay's clock is its time
				// Frozen at the last word from the server while stale: durations must not tick on
				// as if the rows were current.
				this.now = this.feed?.dataNow() ?? Date.now();
				this.feed?.tick();
			}, 1000);
			return () => clearInterval(clock);
		});

		// One day loaded per replayed day (and tenant); a new time within it is derived, not loaded.
		$effect(() => {
			const day = this.#replayDay;
			if (!day) {
				this.player = null;
				return;
			}
			const player = untrack(
				() => new ReplayPlayer(day.url, this.#data().replay.replay?.atMs ?? 0, this.#address.moved)
			);
			this.player = player;
			return () => player.close();
		});
		// A navigation to another time of the same day (back, forward, a link) moves the replay.
		$effect(() => {
			const atMs = this.#data().replay.replay?.atMs;
			if (atMs !== undefined) untrack(() => this.player && this.player.seek(atMs));
		});
		$effect(() => {
			if (this.player) this.now = this.player.clockMs;
		});

		$effect(() => {
			if (this.live || this.replaying || this.hasErrors) {
				this.history = null;
				return;
			}
			const list = new PagedRows(
				`/api/interactions?${this.#historyQuery}`,
				`/api/interactions/count?${this.#historyQuery}`,
				{ serverOrder: true, pageSizes: HISTORY_PAGE_SIZES }
			);
			this.history = list;
			// Loading reads the list's own state: keep that from re-running this effect.
			untrack(() => list.start());
			return () => list.cancel();
		});

		$effect(() => {
			const win = this.#data().window;
			if (!win) {
				this.windowList = null;
				return;
			}
			const { tenantQuery } = this.#data();
			const tenant = tenantQuery ? `${tenantQuery}&` : '';
			const list = new PagedRows(
				`/api/history?${tenant}${win.param}=${encodeURIComponent(win.value)}&limit=50`
			);
			this.windowList = list;
			untrack(() => list.start());
			return () => list.cancel();
		});

		// The open client/agent window updates live from the feed while open: from the rows each
		// frame changed, not every row of the day (a big tenant's 50,000 at every frame).
		$effect(() => {
			const win = this.#data().window;
			const list = this.windowList;
			const feed = this.feed;
			if (!feed || !win || !list) return;
			void feed.version;
			untrack(() =>
				this.#windowChanges.visit(feed, list, (row) => {
					const belongs =
						win.param === 'agent'
							? String(row.agentId) === win.value
							: win.param === 'contact'
								? row.crmContactId === win.value
								: !row.crmContactId && row.phoneNumber === win.value;
					if (belongs) list.update(row, true);
				})
			);
		});
	}

	/**
	 * The filters of a navigation still loading: a second change made meanwhile (two dropdowns
	 * in quick succession) builds on them, not on the page's older data, or it would undo the first.
	 */
	#pending: ViewFilters | null = null;

	/** What opened the history window (a C/A badge or a row), to give the focus back to. */
	#opener: { element: Element | null; fallback: string } | null = null;

	/** The whole view lives in the URL: filters, range, sort and an open history window. */
	#navigate(filters: ViewFilters, win = page.url.searchParams.get('win') ?? '') {
		const params = viewSearchParams(filters, { tenant: this.#tenantParam, win });
		// A replay stays at its time through filter, sort and window changes.
		const at = page.url.searchParams.get('at');
		if (at) params.set('at', at);
		return goto(`${resolve('/interactions')}?${params}`, { keepFocus: true, noScroll: true });
	}

	readonly change = (patch: Partial<ViewFilters>) => {
		const next = { ...(this.#pending ?? this.#data().filters), ...patch };
		if (next.range !== 'today' && !HISTORY_SORT_KEYS.includes(next.sort)) next.sort = 'created';
		this.#pending = next;
		const done = () => {
			if (this.#pending === next) this.#pending = null;
		};
		this.#navigate(next).then(done, done);
	};

	/** A chart bar chosen: the grid shows that interval, through the URL like any filter. */
	readonly narrowTo = (interval: Pick<VolumeInterval, 'startMs' | 'endMs'>, size: IntervalSize) =>
		this.change(intervalFilters(interval, size, this.#data().tenant.timezone));

	readonly sortBy = (key: SortKey) => {
		const filters = this.#pending ?? this.#data().filters;
		const dir = filters.sort === key && filters.dir === 'desc' ? 'asc' : 'desc';
		this.change({ sort: key, dir });
	};

	/**
	 * Another tenant, keeping what still means the same there: the range, channel, status and
	 * sort. A queue, a disposition, an agent and a DID (an inbound number) belong to the tenant
	 * left, as does an open window: those go, and the notice says which, so an emptier grid is
	 * never a mystery (as an org switch resets its views in Genesys or Flex).
	 */
	readonly switchTenant = (tenantId: string) => {
		const data = this.#data();
		const { filters } = data;
		const queue = data.queues.find((q) => q.id === filters.queueId)?.name;
		const cleared = [
			queue && `queue “${queue}”`,
			filters.agent && `agent “${filters.agent}”`,
			filters.did && `DID “${filters.did}”`,
			filters.disposition && `disposition “${filters.disposition}”`
		].filter(Boolean);
		this.tenantNotice =
			cleared.length > 0
				? `Cleared the filters of ${data.tenant.name}: ${cleared.join(', ')}.`
				: null;
		const kept = { ...filters, queueId: null, disposition: '', agent: '', did: '' };
		const params = viewSearchParams(kept, { tenant: tenantId });
		void goto(`${resolve('/interactions')}?${params}`);
	};

	#openWindow(param: WindowParam, value: string, fallback: string) {
		// The modal leaves the page when it closes, and the focus with it: remember where it was.
		this.#opener = { element: document.activeElement, fallback };
		void this.#navigate(this.#data().filters, `${param}:${value}`);
	}

	readonly clientHistory = (row: Interaction) => {
		const badge = `tr[data-id="${row.id}"] .badge.client`;
		if (row.crmContactId) this.#openWindow('contact', row.crmContactId, badge);
		else this.#openWindow('phone', row.phoneNumber ?? '', badge);
	};

	readonly agentHistory = (row: Interaction) =>
		this.#openWindow('agent', String(row.agentId), `tr[data-id="${row.id}"] .badge.agent`);

	readonly closeWindow = async () => {
		const opener = this.#opener;
		this.#opener = null;
		await this.#navigate(this.#data().filters, '');
		await tick();
		// The same element when it is still on the page; else the same row's badge, re-rendered.
		const target =
			opener?.element?.isConnected && opener.element !== document.body
				? opener.element
				: opener && document.querySelector(opener.fallback);
		if (target instanceof HTMLElement) target.focus();
	};

	/** The grid is scrolled near its end: fetch the next history page. */
	readonly nearEnd = () => {
		const history = this.history;
		if (history && !history.loading && !history.done) void history.more();
	};
}
