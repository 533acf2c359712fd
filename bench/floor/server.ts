import { createServer } from 'node:http';
import type { BinlogEvent, RowsEvent } from '@vlasky/zongji';
import { Server } from 'socket.io';
import { connectBinlog, FLOOR_EVENTS, INTERACTION_TABLES } from '../lib/floor';
import { FLOOR_PAGE } from './page';

/**
 * The browser floor: the least a binlog-to-browser pipeline can do. zongji decodes a row,
 * Socket.IO sends it to every page at once, the page writes it into a plain DOM table. No
 * scope, no state, no batching, no sorting. The bench runs it in its own process, in the same
 * Chromium and against the same writer as the product, and compares the two.
 *
 * No state means no snapshot either: the table starts empty and holds the rows changes bring.
 *
 * Environment: FLOOR_DB_PORT, FLOOR_DATABASE (the PBX database). Prints `listening <port>`.
 */

type Row = Record<string, unknown>;

const dbPort = Number(process.env.FLOOR_DB_PORT);
const database = String(process.env.FLOOR_DATABASE);

/** What the page shows of a row; the status is the product's (closed rows are 'closed'). */
function shown(row: Row, closed: boolean) {
	return {
		id: String(row.id),
		status: closed ? 'closed' : String(row.status),
		channel: row.channel,
		queueId: row.queue_id,
		agentId: row.agent_id,
		phone: row.phone_number
	};
}

const http = createServer((request, response) => {
	if (request.url === '/') {
		response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(FLOOR_PAGE);
	} else {
		response.writeHead(404).end();
	}
});
// Socket.IO answers /socket.io/ itself (the client script too) before the handler above.
const io = new Server(http, { serveClient: true });

const zongji = connectBinlog(dbPort);
zongji.on('error', (error: Error) => console.error(`floor binlog: ${error.message}`));
zongji.on('binlog', (event: BinlogEvent) => {
	const name = event.getEventName();
	if (name !== 'writerows' && name !== 'updaterows') return;
	const rowsEvent = event as RowsEvent & { rows: (Row | { after: Row })[] };
	const closed = rowsEvent.tableMap[rowsEvent.tableId]?.tableName === 'closed_interactions';
	const changes = rowsEvent.rows.map((raw) => {
		const row = name === 'updaterows' ? (raw as { after: Row }).after : (raw as Row);
		const value = shown(row, closed);
		return { id: value.id, row: value };
	});
	io.emit('live:changes', { changes });
});
await new Promise<void>((resolve) => {
	zongji.once('ready', () => resolve());
	zongji.start({
		serverId: 7_600_000 + (process.pid % 100_000),
		startAtEnd: true,
		includeEvents: FLOOR_EVENTS,
		includeSchema: { [database]: INTERACTION_TABLES }
	});
});
http.listen(0, '127.0.0.1', () => {
	const address = http.address();
	console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
	zongji.stop();
	void io.close();
	process.exit(0);
});
