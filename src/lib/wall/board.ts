import type { TenantInfo } from '$lib/interaction';
import type { BoardOptions } from './board-options';
import type { QueueThresholds } from '$lib/queues/thresholds';

/** What the server says a wall shows: the page's data, later refreshed from GET /wall. */
export interface BoardQueue {
	id: number;
	name: string;
	thresholds: QueueThresholds;
}

export interface Board {
	tenant: TenantInfo;
	queues: BoardQueue[];
	/** Set when the board shows a subset of the viewer's queues (`?queues=`). */
	narrowedTo: number[] | null;
	options: BoardOptions;
	/** Chime when an alert fires: set on the display token (issue 23). */
	chime: boolean;
}
