/**
 * Whether Redis is lost, as the standalone fallback needs to know it: the last lease command
 * failed, and nothing from Redis (a command's answer, a stream read) came for the bound. Silence
 * alone is no proof: a process that was paused (SIGSTOP, a long GC) wakes
 * with old timestamps and must ask Redis before it gives up on it.
 */

export class RedisWatch {
	/** When a lease command last succeeded (performance.now()). */
	#answeredAt = performance.now();
	#failing = false;

	constructor(
		private readonly options: {
			/** When the shared log's stream last returned from a read. */
			lastReadAt: () => number;
		}
	) {}

	/**
	 * A lease command's answer; notes whether Redis answered. A slow answer is an answer: a
	 * loaded Redis or host is no lost one (ioredis's command timeout bounds the wait).
	 */
	async asked<T>(command: Promise<T>): Promise<T> {
		try {
			const answer = await command;
			this.#answeredAt = performance.now();
			this.#failing = false;
			return answer;
		} catch (error) {
			this.#failing = true;
			throw error;
		}
	}

	/** The last lease command failed. */
	get failing(): boolean {
		return this.#failing;
	}

	/** How long nothing has come from Redis. */
	silentForMs(): number {
		return performance.now() - Math.max(this.#answeredAt, this.options.lastReadAt());
	}

	/** Redis fails to answer, and has not answered (a command or a stream read) for `boundMs`. */
	lost(boundMs: number): boolean {
		return this.#failing && this.silentForMs() > boundMs;
	}

	/** Redis answered again (a node rejoining after standalone): start counting afresh. */
	answered(): void {
		this.#failing = false;
		this.#answeredAt = performance.now();
	}
}
