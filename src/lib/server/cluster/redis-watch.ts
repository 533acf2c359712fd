/**
 * Whether Redis is lost, as the standalone fallback needs to know it: the last lease command
 * failed (or went unanswered), and nothing from Redis (a command's answer, a stream read) came
 * for the bound. Silence alone is no proof: a process that was paused (SIGSTOP, a long GC) wakes
 * with old timestamps and must ask Redis before it gives up on it.
 */

/** A timer that fires this much late means this process was stalled, not that Redis was. */
const STALL_MS = 250;

export class RedisWatch {
	/** When a lease command last succeeded (performance.now()). */
	#answeredAt = performance.now();
	#failing = false;

	constructor(
		private readonly options: {
			/** A lease command unanswered this long counts as failed (a host gone, no RST). */
			answerWithinMs: number;
			/** When the shared log's stream last returned from a read. */
			lastReadAt: () => number;
		}
	) {}

	/** A lease command's answer; notes whether Redis answered in time. */
	async asked<T>(command: Promise<T>): Promise<T> {
		try {
			const answer = await answeredWithin(command, this.options.answerWithinMs);
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

/**
 * `command`, or a rejection once it has gone `ms` unanswered. ioredis's own commandTimeout is
 * longer (a slow append is no lost Redis); this one only decides when to start counting
 * Redis as failing. A wait that ends late by more than STALL_MS is this process waking from a
 * stall, with the answer perhaps waiting in its socket: it waits once more before it fails.
 */
function answeredWithin<T>(command: Promise<T>, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		let timer: NodeJS.Timeout;
		const arm = () => {
			const armedAt = performance.now();
			timer = setTimeout(() => {
				if (performance.now() - armedAt > ms + STALL_MS) arm();
				else reject(new Error(`Redis did not answer within ${ms} ms`));
			}, ms);
			timer.unref();
		};
		arm();
		command.then(
			(answer) => {
				clearTimeout(timer);
				resolve(answer);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error as Error);
			}
		);
	});
}
