import { connect } from 'node:net';

/**
 * Just enough RESP to ask a Sentinel (or any Redis) one question, so starting services needs no
 * client library: the question's reply as bulk strings.
 */

/** One RESP command to 127.0.0.1:port (a Sentinel), its reply's bulk strings. */
export function askSentinel(port: number, command: string[], timeoutMs = 1_000): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const socket = connect({ host: '127.0.0.1', port });
		let reply = '';
		const fail = (error: Error) => {
			socket.destroy();
			reject(error);
		};
		socket.setTimeout(timeoutMs, () => fail(new Error(`no reply from Sentinel ${port}`)));
		socket.on('error', fail);
		socket.on('connect', () => {
			const parts = command.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`);
			socket.write(`*${command.length}\r\n${parts.join('')}`);
		});
		socket.on('data', (chunk: Buffer) => {
			reply += chunk.toString();
			try {
				const values = parseReply(reply);
				if (values === undefined) return; // more to come
				socket.end();
				resolve(values);
			} catch (error) {
				fail(error as Error);
			}
		});
	});
}

/** A simple string, a nil, or an array of bulk strings; undefined while incomplete. */
function parseReply(reply: string): string[] | undefined {
	const lines = reply.split('\r\n');
	if (lines.length < 2) return undefined;
	const [first] = lines;
	if (first.startsWith('-')) throw new Error(first.slice(1));
	if (first.startsWith('+')) return [first.slice(1)];
	if (first === '*-1' || first === '$-1') return [];
	const count = Number(/^\*(\d+)$/.exec(first)?.[1] ?? NaN);
	if (Number.isNaN(count)) throw new Error(`unexpected Sentinel reply ${first}`);
	// Each element is "$<length>" then the value.
	if (lines.length < 2 + 2 * count) return undefined;
	return Array.from({ length: count }, (_, i) => lines[2 + 2 * i]);
}
