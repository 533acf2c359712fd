import http from 'node:http';
import https from 'node:https';
import { guardedLookup, RefusedAddress, refusedLiteral } from './address-guard';
import { deliveryId, webhookPayload } from './payload';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import type { ChannelSender, Delivery, SendOutcome } from './types';

/** How much of an endpoint's answer is read (for the delivery log's last error); the rest is dropped. */
export const RESPONSE_CAP_BYTES = 2048;

export interface WebhookOptions {
	allowPrivate: boolean;
	timeoutMs: number;
}

/**
 * POSTs one signed payload. Never follows a redirect (a 3xx is a final failure: the admin fixes
 * the URL), reads at most RESPONSE_CAP_BYTES of any answer, and gives up after `timeoutMs` for
 * the whole exchange — connect, send, headers and body — so a slow or huge endpoint costs one
 * socket for a bounded time and a bounded buffer, no more.
 */
export class WebhookSender implements ChannelSender {
	readonly #lookup;

	constructor(private readonly options: WebhookOptions) {
		this.#lookup = guardedLookup(options.allowPrivate);
	}

	async send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome> {
		if (!delivery.secret)
			return { ok: false, retry: false, error: 'the webhook was deleted or disabled' };
		const url = new URL(delivery.target);
		const literal = refusedLiteral(url, this.options.allowPrivate);
		if (literal) return { ok: false, retry: false, error: `refused: ${literal}` };
		const body = JSON.stringify(webhookPayload(delivery.content));
		const headers = {
			'content-type': 'application/json',
			'user-agent': 'InteractionsLive-Webhook/1',
			'x-interactions-delivery': deliveryId(delivery.content),
			[SIGNATURE_HEADER.toLowerCase()]: signatureHeader(
				delivery.secret,
				body,
				Math.floor(Date.now() / 1000)
			)
		};
		const timeout = AbortSignal.timeout(this.options.timeoutMs);
		try {
			const answer = await post(
				url,
				body,
				headers,
				this.#lookup,
				AbortSignal.any([signal, timeout])
			);
			return outcome(answer);
		} catch (error) {
			if (error instanceof RefusedAddress)
				return { ok: false, retry: false, error: `refused: ${error.message}` };
			if (timeout.aborted)
				return { ok: false, retry: true, error: `no answer within ${this.options.timeoutMs} ms` };
			return { ok: false, retry: true, error: describe(error) };
		}
	}
}

interface Answer {
	status: number;
	location: string | undefined;
	/** At most RESPONSE_CAP_BYTES of the body. */
	head: string;
}

function outcome({ status, location, head }: Answer): SendOutcome {
	if (status >= 200 && status < 300) return { ok: true };
	const said = head.trim() ? `: ${head.trim().slice(0, 200)}` : '';
	if (status >= 300 && status < 400) {
		return {
			ok: false,
			retry: false,
			error: `HTTP ${status}, redirect not followed (to ${location ?? '?'})`
		};
	}
	// Timeouts, rate limits and server errors may pass; other 4xx say the request is wrong.
	const retry = status >= 500 || status === 408 || status === 425 || status === 429;
	return { ok: false, retry, error: `HTTP ${status}${said}` };
}

function post(
	url: URL,
	body: string,
	headers: Record<string, string>,
	lookup: ReturnType<typeof guardedLookup>,
	signal: AbortSignal
): Promise<Answer> {
	const transport = url.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		// agent: false: a fresh socket each time, so a pooled socket never bypasses the lookup.
		const request = transport.request(url, {
			method: 'POST',
			headers,
			lookup,
			agent: false,
			signal
		});
		request.on('error', reject);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			let size = 0;
			const done = () => {
				response.destroy();
				resolve({
					status: response.statusCode ?? 0,
					location: response.headers.location,
					head: Buffer.concat(chunks).subarray(0, RESPONSE_CAP_BYTES).toString('utf8')
				});
			};
			if ((response.statusCode ?? 0) < 300) return done();
			response.on('data', (chunk: Buffer) => {
				chunks.push(chunk);
				size += chunk.length;
				if (size >= RESPONSE_CAP_BYTES) done();
			});
			response.on('end', done);
			response.on('error', done);
		});
		request.end(body);
	});
}

function describe(error: unknown): string {
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	return [code, message].filter(Boolean).join(' ') || String(error);
}
