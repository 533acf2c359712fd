import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it, vi } from 'vitest';
import { RawJson, rawJsonParser } from '$lib/server/realtime/raw-json';
import { SharedDaySnapshots } from '$lib/server/realtime/day-snapshots';
import { SharedSnapshots } from '$lib/server/realtime/snapshots';
import type { Interaction } from '$lib/interaction';
import type { DaySums, SummedSnapshot } from '$lib/queues/day-sums';

/** What a client's stock parser makes of what the server wrote. */
function decode(parts: unknown[]): Packet {
	const decoder = new Decoder();
	let packet: Packet | null = null;
	decoder.on('decoded', (decoded: Packet) => (packet = decoded));
	for (const part of parts) decoder.add(part as string);
	if (!packet) throw new Error('nothing decoded');
	return packet;
}

const rows = [
	{ id: '1', clientName: 'Ada "the" Lovelace', note: 'a\u0000raw-json:forged:0\u0000 b' },
	{ id: '2', clientName: null, note: '$& $1 \\ "' }
];

function ack(data: unknown): Packet {
	return { type: PacketType.ACK, nsp: '/', id: 7, data: [data] };
}

describe('the raw-JSON encoder', () => {
	const encoder = new rawJsonParser.Encoder();
	const stock = new Encoder();

	it('writes a RawJson as the JSON it holds: the same bytes as the stock encoder', () => {
		const reply = { ok: true, kind: 'snapshot', snapshot: { seq: 3, rows } };
		const shared = {
			...reply,
			snapshot: { ...reply.snapshot, rows: new RawJson(JSON.stringify(rows)) }
		};
		const parts = encoder.encode(ack(shared));
		expect(parts).toEqual(stock.encode(ack(reply)));
		expect(decode(parts).data).toEqual([reply]);
	});

	it('leaves packets without one as the stock encoder writes them, marks in strings included', () => {
		const event: Packet = { type: PacketType.EVENT, nsp: '/', data: ['live:changes', { rows }] };
		expect(encoder.encode(event)).toEqual(stock.encode(event));
	});

	it('writes several RawJson values of one packet each in its place', () => {
		const data = { a: new RawJson('[1,2]'), b: 'x', c: new RawJson('{"d":null}') };
		expect(decode(encoder.encode(ack(data))).data).toEqual([{ a: [1, 2], b: 'x', c: { d: null } }]);
	});
});

describe('SharedSnapshots', () => {
	it('serialises once per room and position, and again after the position or the time moves', () => {
		let now = 0;
		const shared = new SharedSnapshots(2000, () => now);
		const first = shared.parts('tenant:1', 'e1', 10, rows);
		expect(first.map((part) => JSON.parse(part.json))).toEqual([rows]);
		expect(shared.parts('tenant:1', 'e1', 10, [])).toBe(first);
		expect(shared.parts('tenant:1', 'e1', 11, rows)).not.toBe(first);
		expect(shared.parts('tenant:1', 'e2', 11, rows)).not.toBe(first);
		const later = shared.parts('tenant:1', 'e2', 11, rows);
		now = 2001;
		expect(shared.parts('tenant:1', 'e2', 11, rows)).not.toBe(later);
	});

	it('lets go of each encoding once its time is up, so snapshots are not kept in memory', () => {
		vi.useFakeTimers();
		try {
			const shared = new SharedSnapshots(2000);
			shared.parts('tenant:1', 'e1', 10, rows);
			shared.parts('tenant:2', 'e1', 10, rows);
			expect(shared.size).toBe(2);
			vi.advanceTimersByTime(2001);
			expect(shared.size).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	it('cuts a big snapshot into parts of at most partRows rows, in order, and no rows into one part', () => {
		const shared = new SharedSnapshots(2000, Date.now, 2);
		const five = [1, 2, 3, 4, 5].map((id) => ({ id: String(id) }));
		const parts = shared.parts('tenant:1', 'e1', 10, five);
		expect(parts.map((part) => JSON.parse(part.json))).toEqual([
			five.slice(0, 2),
			five.slice(2, 4),
			five.slice(4)
		]);
		expect(shared.parts('tenant:1', 'e1', 10, [])).toBe(parts);
		expect(shared.parts('tenant:2', 'e1', 10, []).map((part) => part.json)).toEqual(['[]']);
	});

	it('never gives one room the rows of another at the same position', () => {
		const shared = new SharedSnapshots();
		const admin = shared.parts('tenant:1', 'e1', 10, rows);
		const supervisor = shared.parts('tenant:1:queues:3', 'e1', 10, [rows[0]]);
		const wall = shared.parts('wall:tenant:1', 'e1', 10, [{ id: '1' }]);
		expect(JSON.parse(supervisor[0].json)).toEqual([rows[0]]);
		expect(JSON.parse(wall[0].json)).toEqual([{ id: '1' }]);
		expect(shared.parts('tenant:1', 'e1', 10, [])).toBe(admin);
	});
});

describe('SharedDaySnapshots', () => {
	const day = { count: 3, ids: 'A1,A2,A3' } as DaySums;
	const snapshot = (rows: { id: string }[]) =>
		({ epoch: 'e1', seq: 10, rows: rows as Interaction[], day }) as SummedSnapshot;

	it('sends the sums with the first part of the rows in progress, the rest as parts after', () => {
		const shared = new SharedDaySnapshots(2000, Date.now, 2);
		const five = [1, 2, 3, 4, 5].map((id) => ({ id: String(id) }));
		const key = shared.key('wall:tenant:1', { serviceLevelSeconds: [[3, 20]] });
		const { snapshot: sent, rest } = shared.encode(key, snapshot(five), false);
		expect(JSON.parse((sent.rows as unknown as RawJson).json)).toEqual(five.slice(0, 2));
		expect(JSON.parse((sent.day as unknown as RawJson).json)).toEqual(day);
		expect(rest.map((part) => JSON.parse(part.json))).toEqual([five.slice(2, 4), five.slice(4)]);
		// The held encoding serves again at its position (its rows left empty by catchUp).
		const again = shared.encode(key, snapshot([]), true);
		expect(again.snapshot.rows).toBe(sent.rows);
		expect(again.rest).toEqual(rest);
		// No rows in progress: one part, in the reply.
		const none = shared.encode(shared.key('wall:tenant:2', { serviceLevelSeconds: [] }), snapshot([]), false); // prettier-ignore
		expect((none.snapshot.rows as unknown as RawJson).json).toBe('[]');
		expect(none.rest).toEqual([]);
	});
});
