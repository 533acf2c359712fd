/** The Redis keys one cluster shares; `prefix` lets several clusters share one Redis. */
export interface ClusterKeys {
	/** The current epoch's id; missing when Redis lost its data (or before the first leader). */
	epoch: string;
	/** Sequence of the newest change of the current epoch. */
	head: string;
	/** The binlog checkpoint after the newest entry: where a new leader resumes. */
	checkpoint: string;
	/** Incremented by every new leader: the fencing token's number. */
	fence: string;
	/**
	 * `<node id>|<token>|<nonce>` of the newest acquisition: what appends are checked against.
	 * The nonce keeps it unique even when a failover lost the counter's last INCR.
	 */
	owner: string;
	/** run_id of the Redis process the current epoch was started on (see docs/CLUSTER.md). */
	server: string;
	/** The leader lease: `<node id>|<fencing token>`, with a TTL. */
	leader: string;
	/** Per-node status for operators (`/admin/status`), a hash of JSON by node id. */
	nodes: string;
	/** The stream of one epoch's entries. */
	streamPrefix: string;
}

export function clusterKeys(prefix: string): ClusterKeys {
	return {
		epoch: `${prefix}:epoch`,
		head: `${prefix}:head`,
		checkpoint: `${prefix}:checkpoint`,
		fence: `${prefix}:fence`,
		owner: `${prefix}:fence-owner`,
		server: `${prefix}:epoch-server`,
		leader: `${prefix}:leader`,
		nodes: `${prefix}:nodes`,
		streamPrefix: `${prefix}:log:`
	};
}
