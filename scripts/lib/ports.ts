import { createServer } from 'node:net';

/** A TCP port the OS just handed out on loopback (another process may still grab it first). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			if (address === null || typeof address === 'string') {
				server.close();
				return reject(new Error('could not read the port of a loopback listener'));
			}
			server.close(() => resolve(address.port));
		});
	});
}

/** True when nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The preferred port when it is free, else any free one. */
export async function preferredOrFreePort(preferred: number): Promise<number> {
	return (await isPortFree(preferred)) ? preferred : freePort();
}
