import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * What alert channels talk to in tests: a real HTTP server that records every request and
 * answers as the test says, and a real SMTP server (the smtp-server package) that keeps every
 * message it accepts.
 */

export interface ReceivedRequest {
	path: string;
	headers: IncomingMessage['headers'];
	body: string;
	at: number;
}

/** How the receiver answers one request: a status, or never (the request hangs until closed). */
export type Answer =
	number | 'hang' | ((request: ReceivedRequest, response: ServerResponse) => void);

export class WebhookReceiver {
	readonly requests: ReceivedRequest[] = [];
	/** Requests that were received but not answered yet. */
	hanging = 0;
	#answers = new Map<string, Answer[]>();
	#waiters: (() => void)[] = [];
	#server: Server;

	private constructor(server: Server) {
		this.#server = server;
	}

	static async start(): Promise<WebhookReceiver> {
		const server = createServer();
		const receiver = new WebhookReceiver(server);
		server.on('request', (request, response) => receiver.#handle(request, response));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return receiver;
	}

	get port(): number {
		return (this.#server.address() as AddressInfo).port;
	}

	url(path: string): string {
		return `http://127.0.0.1:${this.port}${path}`;
	}

	/** The answers for a path, in order; the last one repeats. Default: 200. */
	answer(path: string, ...answers: Answer[]): void {
		this.#answers.set(path, answers);
	}

	on(path: string): ReceivedRequest[] {
		return this.requests.filter((request) => request.path === path);
	}

	async waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!predicate()) {
			if (Date.now() > deadline) throw new Error('timed out waiting for webhook requests');
			await new Promise<void>((resolve) => {
				this.#waiters.push(resolve);
				setTimeout(resolve, 100);
			});
		}
	}

	async close(): Promise<void> {
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	#handle(request: IncomingMessage, response: ServerResponse): void {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const received: ReceivedRequest = {
				path: request.url ?? '',
				headers: request.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: performance.now()
			};
			this.requests.push(received);
			const queued = this.#answers.get(received.path) ?? [200];
			const answer = queued.length > 1 ? queued.shift()! : queued[0];
			if (answer === 'hang') {
				this.hanging += 1;
				response.on('close', () => (this.hanging -= 1));
			} else if (typeof answer === 'function') answer(received, response);
			else response.writeHead(answer).end(answer === 200 ? 'ok' : 'no');
			for (const wake of this.#waiters.splice(0)) wake();
		});
	}
}

export interface ReceivedMail {
	from: string;
	to: string[];
	raw: string;
}

export class MailReceiver {
	readonly messages: ReceivedMail[] = [];

	private constructor(private readonly server: SMTPServer) {}

	static async start(): Promise<MailReceiver> {
		let receiver: MailReceiver | null = null;
		const server = new SMTPServer({
			authOptional: true,
			disabledCommands: ['STARTTLS', 'AUTH'],
			logger: false,
			onData(stream, session, callback) {
				const chunks: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => chunks.push(chunk));
				stream.on('end', () => {
					receiver?.messages.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
						raw: Buffer.concat(chunks).toString('utf8')
					});
					callback();
				});
			}
		});
		receiver = new MailReceiver(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return receiver;
	}

	get port(): number {
		return (this.server.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
