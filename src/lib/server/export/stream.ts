/**
 * Text produced in batches as a pull-based byte stream: a batch is made only when the consumer
 * has taken the previous one, so a slow client slows the producer instead of filling memory,
 * and a client that goes away stops it.
 */

/** Writes the next batch through `write`; resolves whether more batches may follow. */
export type TextBatches = (write: (text: string) => void) => Promise<boolean>;

/** Each is told the bytes the stream had produced by then. */
export interface StreamEvents {
	done(bytes: number): void;
	failed(error: unknown, bytes: number): void;
	cancelled(bytes: number): void;
}

/** Encodes text straight into one buffer per batch, so no batch-sized string is ever built. */
class ChunkWriter {
	#encoder = new TextEncoder();
	#buffer = new Uint8Array(0);
	#length = 0;

	write(text: string): void {
		// UTF-16 to UTF-8 takes at most 3 bytes per code unit.
		const needed = this.#length + text.length * 3;
		if (needed > this.#buffer.length) {
			const bigger = new Uint8Array(Math.max(needed, this.#buffer.length * 2, 1 << 20));
			bigger.set(this.#buffer.subarray(0, this.#length));
			this.#buffer = bigger;
		}
		this.#length += this.#encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
	}

	/** The bytes written since the last take, or null when there were none. */
	take(): Uint8Array | null {
		if (this.#length === 0) return null;
		const chunk = this.#buffer.subarray(0, this.#length);
		this.#buffer = new Uint8Array(0);
		this.#length = 0;
		return chunk;
	}
}

/**
 * `head` and the first batch, then the other batches as they are pulled. The first batch is read
 * before the stream is handed over, so its failure (a statement timeout) can still be answered
 * with a status instead of a truncated file.
 */
export async function textStream(
	head: string,
	next: TextBatches,
	events: StreamEvents
): Promise<ReadableStream<Uint8Array>> {
	const writer = new ChunkWriter();
	const write = (text: string) => writer.write(text);
	let cancelled = false;
	let bytes = 0;
	const take = () => {
		const chunk = writer.take();
		bytes += chunk?.length ?? 0;
		return chunk;
	};
	writer.write(head);
	let more: boolean;
	try {
		more = await next(write);
	} catch (error) {
		events.failed(error, 0);
		throw error;
	}
	return new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(take()!);
			if (!more) {
				controller.close();
				events.done(bytes);
			}
		},
		async pull(controller) {
			try {
				// A pull that enqueues nothing is not called again: go on past empty batches.
				for (;;) {
					const more = await next(write);
					if (cancelled) return;
					const chunk = take();
					if (chunk) controller.enqueue(chunk);
					if (!more) {
						controller.close();
						events.done(bytes);
						return;
					}
					if (chunk) return;
				}
			} catch (error) {
				events.failed(error, bytes);
				// Erroring the stream aborts the response: a truncated file must not look complete.
				controller.error(error);
			}
		},
		cancel() {
			cancelled = true;
			events.cancelled(bytes);
		}
	});
}
