/**
 * Encodes text straight into one reused buffer, and hands out what was written since the last
 * take as a chunk of its own: no slice-sized string is ever built, and no buffer is allocated
 * per chunk (a fresh 1 MB per take, zero-filled, was most of a small chunk's cost).
 */
export class ChunkWriter {
	#encoder = new TextEncoder();
	#buffer = new Uint8Array(64 * 1024);
	#length = 0;

	get length(): number {
		return this.#length;
	}

	write(text: string): void {
		// UTF-16 to UTF-8 takes at most 3 bytes per code unit.
		const needed = this.#length + text.length * 3;
		if (needed > this.#buffer.length) {
			const bigger = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
			bigger.set(this.#buffer.subarray(0, this.#length));
			this.#buffer = bigger;
		}
		this.#length += this.#encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
	}

	/** A copy of the bytes written since the last take (the buffer is reused), or null if none. */
	take(): Uint8Array | null {
		if (this.#length === 0) return null;
		const chunk = this.#buffer.slice(0, this.#length);
		this.#length = 0;
		return chunk;
	}
}
