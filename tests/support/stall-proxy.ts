import net from 'node:net';

/**
 * A TCP proxy between the browser and a server that can stop forwarding, in both directions,
 * without closing anything: what a screen sees when its Wi-Fi drops it, a NAT forgets the
 * connection or a proxy hangs. While stalled, bytes wait (in the proxy's sockets and the
 * kernel's buffers) and flow again in order on resume; connections opened meanwhile are accepted
 * and held the same way. Neither end is told anything.
 */
export class StallProxy {
	readonly #server: net.Server;
	readonly #sockets = new Set<net.Socket>();
	#stalled = false;
	/** Connections accepted so far. */
	accepted = 0;

	private constructor(
		server: net.Server,
		readonly port: number
	) {
		this.#server = server;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get stalled(): boolean {
		return this.#stalled;
	}

	/** Listens on a free port and forwards each connection to `targetPort` on 127.0.0.1. */
	static async start(targetPort: number): Promise<StallProxy> {
		let proxy: StallProxy | null = null;
		// Nothing connects before listen() resolves, so the proxy exists by the first accept.
		const server = net.createServer((client) => proxy && proxy.#accept(client, targetPort));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		proxy = new StallProxy(server, (server.address() as net.AddressInfo).port);
		return proxy;
	}

	/** Stops forwarding both ways; every connection stays open. */
	stall(): void {
		this.#stalled = true;
		for (const socket of this.#sockets) socket.pause();
	}

	resume(): void {
		this.#stalled = false;
		for (const socket of this.#sockets) socket.resume();
	}

	async close(): Promise<void> {
		for (const socket of this.#sockets) socket.destroy();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	#accept(client: net.Socket, targetPort: number): void {
		this.accepted++;
		const upstream = net.connect(targetPort, '127.0.0.1');
		for (const socket of [client, upstream]) {
			this.#sockets.add(socket);
			if (this.#stalled) socket.pause();
			socket.on('close', () => this.#sockets.delete(socket));
		}
		this.#forward(client, upstream);
		this.#forward(upstream, client);
	}

	/**
	 * By hand, not pipe(): pipe resumes its source on the destination's 'drain', which would
	 * undo a stall.
	 */
	#forward(from: net.Socket, to: net.Socket): void {
		from.on('data', (chunk) => {
			if (!to.write(chunk)) from.pause();
		});
		to.on('drain', () => {
			if (!this.#stalled) from.resume();
		});
		// An orderly end is passed on after what is still buffered; only a failure cuts it off.
		from.on('end', () => to.end());
		from.on('error', () => to.destroy());
		from.on('close', (hadError) => hadError && to.destroy());
	}
}
