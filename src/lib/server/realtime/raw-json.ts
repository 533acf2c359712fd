import { randomUUID } from 'node:crypto';
import { Decoder, Encoder, type Packet } from 'socket.io-parser';

/**
 * A value already serialised as JSON. The encoder below writes it into a packet as it is, so a
 * snapshot shared by many sockets is serialised once, not once per socket.
 */
export class RawJson {
	constructor(readonly json: string) {}
}

/**
 * The wire type of a RawJson: what a client decodes from it. Only the encoder below knows how to
 * write one, and it writes the JSON it holds, so on the wire it is a T.
 */
export function sentAs<T>(raw: RawJson): T {
	return raw as unknown as T;
}

// Stands for a RawJson while the rest of the packet is serialised. The nonce is new in every
// process and never leaves it (each mark is replaced before the packet is written), so no
// string in a row can forge one.
const MARK = `\u0000raw-json:${randomUUID()}:`;

// Encoding is synchronous and never re-entered: one list serves every encoder of the process.
let found: string[] = [];

function markRawJson(_key: string, value: unknown): unknown {
	if (!(value instanceof RawJson)) return value;
	found.push(value.json);
	return `${MARK}${found.length - 1}`;
}

/**
 * Socket.IO's encoder, writing a RawJson as the JSON it holds. The wire format is unchanged:
 * clients decode with the stock parser.
 */
class RawJsonEncoder extends Encoder {
	constructor() {
		super(markRawJson);
	}

	override encode(packet: Packet): ReturnType<Encoder['encode']> {
		found = [];
		const parts = super.encode(packet);
		const raws = found;
		found = [];
		if (raws.length === 0) return parts;
		return parts.map((part) => (typeof part === 'string' ? splice(part, raws) : part));
	}
}

/** Puts each RawJson's text where its mark was serialised (as a JSON string). */
function splice(text: string, raws: string[]): string {
	let out = text;
	raws.forEach((json, i) => {
		const mark = JSON.stringify(`${MARK}${i}`);
		const at = out.indexOf(mark);
		if (at < 0) throw new Error('RawJson mark not found in the encoded packet');
		out = out.slice(0, at) + json + out.slice(at + mark.length);
	});
	return out;
}

/** The `parser` option of the Socket.IO server. */
export const rawJsonParser = { Encoder: RawJsonEncoder, Decoder };
