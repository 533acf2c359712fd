import { ChunkWriter } from './chunks';
import { SliceClock, type Sink } from './slices';

/**
 * Text produced in batches as a pull-based byte stream: a batch is made only when the consumer
 * has taken the previous one, so a slow client slows the producer instead of filling memory,
 * and a client that goes away stops it. Within a batch the producer works in slices (see
 * slices.ts), and each slice's bytes are queued as it ends, so the response is written while
 * the rest of the batch is read; the queue holds one batch at most.
 */

/** Writes the next batch into `sink`; resolves whether more batches may follow. */
export type TextBatches = (sink: Sink<string>) => Promise<boolean>;

/** Each is told the bytes the stream had produced by then; exactly one of them is called. */
export interface StreamEvents {
	done(bytes: number): void;
	failed(error: unknown, bytes: number): void;
	cancelled(bytes: number): void;
	/** The consumer took nothing for `Stall.ms`: the stream is errored and `Stall.cut` called. */
	stalled(bytes: number): void;
}

/**
 * A consumer that stops reading (a paused socket: writes stop once its buffers are full) stops
 * pulling, and the stream would wait for it forever, holding its export slot. Progress is a
 * pull: the consumer has taken everything queued (at most one batch).
 */
export interface Stall {
	ms: number;
	/** Ends the consumer's side too (closes the connection): it is not reading to see an error. */
	cut(): void;
}

/** What `turn()` throws to a producer once the stream is over: it stops there. */
class StreamEnded extends Error {
	constructor() {
		super('the export stream has ended');
	}
}

/**
 * One stream's state: the bytes waiting for the consumer, whether it has ended, and the watchdog
 * that ends it when the consumer stops taking them. Every way it ends goes through `end`, so
 * exactly one of the events is told.
 */
class BatchedText {
	readonly writer = new ChunkWriter();
	readonly #clock = new SliceClock();
	controller: ReadableStreamDefaultController<Uint8Array> | null = null;
	ended = false;
	bytes = 0;
	chunks = 0;
	#watchdog: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly stall: Stall,
		private readonly events: StreamEvents
	) {}

	/** What the producer writes into: a slice's text, and a turn of the loop between slices. */
	readonly sink: Sink<string> = {
		push: (text) => {
			this.writer.write(text);
			return !this.#clock.full();
		},
		turn: async () => {
			// The first batch stays in the buffer until the stream exists.
			if (this.controller && !this.ended) this.flush();
			await this.#clock.turn();
			if (this.ended) throw new StreamEnded();
		}
	};

	flush(): void {
		const chunk = this.writer.take();
		if (!chunk) return;
		this.bytes += chunk.length;
		this.chunks++;
		this.controller!.enqueue(chunk);
	}

	/**
	 * Armed while the stream waits for the consumer; a pull is progress, and the producer's own
	 * time is bounded by the statement time limit.
	 */
	waitForConsumer(): void {
		clearTimeout(this.#watchdog);
		if (!this.ended) this.#watchdog = setTimeout(() => this.#stalled(), this.stall.ms).unref();
	}

	/** Stops the watchdog: the stream is being pulled (or is over). */
	pulled(): void {
		clearTimeout(this.#watchdog);
	}

	/** Ends the stream once, telling its one event. */
	end(how: 'done' | 'cancelled' | { failed: unknown }): void {
		if (this.ended) return;
		this.ended = true;
		clearTimeout(this.#watchdog);
		if (how === 'done') {
			this.controller!.close();
			this.events.done(this.bytes);
		} else if (how === 'cancelled') {
			this.events.cancelled(this.bytes);
		} else {
			this.events.failed(how.failed, this.bytes);
			// Erroring the stream aborts the response: a truncated file must not look complete.
			this.controller!.error(how.failed);
		}
	}

	#stalled(): void {
		if (this.ended) return;
		this.ended = true;
		this.events.stalled(this.bytes);
		this.controller!.error(new Error(`the client took nothing for ${this.stall.ms} ms`));
		this.stall.cut();
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
	stall: Stall,
	events: StreamEvents
): Promise<ReadableStream<Uint8Array>> {
	const text = new BatchedText(stall, events);
	text.writer.write(head);
	let more: boolean;
	try {
		more = await next(text.sink);
	} catch (error) {
		events.failed(error, 0);
		throw error;
	}
	return new ReadableStream<Uint8Array>({
		start(controller) {
			text.controller = controller;
			text.flush();
			if (!more) text.end('done');
			text.waitForConsumer();
		},
		async pull() {
			text.pulled();
			try {
				// A pull that enqueues nothing is not called again: go on past empty batches.
				const before = text.chunks;
				for (;;) {
					const more = await next(text.sink);
					if (text.ended) return;
					text.flush();
					if (!more) return text.end('done');
					if (text.chunks > before) break;
				}
				text.waitForConsumer();
			} catch (error) {
				text.end({ failed: error });
			}
		},
		cancel() {
			text.end('cancelled');
		}
	});
}
