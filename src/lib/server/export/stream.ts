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
	const writer = new ChunkWriter();
	const clock = new SliceClock();
	let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
	let ended = false;
	let bytes = 0;
	let chunks = 0;
	let watchdog: ReturnType<typeof setTimeout> | undefined;
	const stalled = () => {
		if (ended) return;
		ended = true;
		events.stalled(bytes);
		controller!.error(new Error(`the client took nothing for ${stall.ms} ms`));
		stall.cut();
	};
	// Armed while the stream waits for the consumer; a pull is progress, and the producer's own
	// time is bounded by the statement time limit.
	const waitForConsumer = () => {
		clearTimeout(watchdog);
		if (!ended) watchdog = setTimeout(stalled, stall.ms).unref();
	};
	const flush = () => {
		const chunk = writer.take();
		if (!chunk) return;
		bytes += chunk.length;
		chunks++;
		controller!.enqueue(chunk);
	};
	const sink: Sink<string> = {
		push(text) {
			writer.write(text);
			return !clock.full();
		},
		async turn() {
			// The first batch stays in the buffer until the stream exists.
			if (controller && !ended) flush();
			await clock.turn();
			if (ended) throw new StreamEnded();
		}
	};
	writer.write(head);
	let more: boolean;
	try {
		more = await next(sink);
	} catch (error) {
		events.failed(error, 0);
		throw error;
	}
	return new ReadableStream<Uint8Array>({
		start(c) {
			controller = c;
			flush();
			if (!more) {
				ended = true;
				c.close();
				events.done(bytes);
			}
			waitForConsumer();
		},
		async pull(c) {
			clearTimeout(watchdog);
			try {
				// A pull that enqueues nothing is not called again: go on past empty batches.
				const before = chunks;
				for (;;) {
					const more = await next(sink);
					if (ended) return;
					flush();
					if (!more) {
						ended = true;
						c.close();
						events.done(bytes);
						return;
					}
					if (chunks > before) break;
				}
				waitForConsumer();
			} catch (error) {
				if (ended) return;
				ended = true;
				events.failed(error, bytes);
				// Erroring the stream aborts the response: a truncated file must not look complete.
				c.error(error);
			}
		},
		cancel() {
			clearTimeout(watchdog);
			if (ended) return;
			ended = true;
			events.cancelled(bytes);
		}
	});
}
