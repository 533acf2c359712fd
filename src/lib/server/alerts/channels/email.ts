import nodemailer, { type Transporter } from 'nodemailer';
import { alertEmail, deliveryId } from './payload';
import type { ChannelSender, Delivery, SendOutcome } from './types';

export interface EmailOptions {
	smtpUrl: string;
	from: string;
	timeoutMs: number;
}

/**
 * Sends one alert email per recipient through the SMTP server of SMTP_URL (nodemailer). The
 * Message-ID is derived from the transition, so a retry that reaches the inbox twice reads as
 * one message to mail clients that thread by it.
 */
export class EmailSender implements ChannelSender {
	readonly #transport: Transporter;

	constructor(private readonly options: EmailOptions) {
		this.#transport = nodemailer.createTransport({
			url: options.smtpUrl,
			connectionTimeout: options.timeoutMs,
			greetingTimeout: options.timeoutMs,
			socketTimeout: options.timeoutMs
		});
	}

	async send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome> {
		const { subject, text } = alertEmail(delivery.content);
		const aborted = new Promise<never>((_, reject) => {
			const stop = () => reject(new Error('stopped'));
			if (signal.aborted) stop();
			signal.addEventListener('abort', stop, { once: true });
		});
		try {
			await Promise.race([
				this.#transport.sendMail({
					from: this.options.from,
					to: delivery.target,
					subject,
					text,
					messageId: `<${deliveryId(delivery.content)}.${delivery.id}@interactions-live>`,
					headers: { 'X-Interactions-Delivery': deliveryId(delivery.content) }
				}),
				aborted
			]);
			return { ok: true };
		} catch (error) {
			const { responseCode, message } = (error ?? {}) as {
				responseCode?: number;
				message?: string;
			};
			// 5xx from the server is a permanent refusal of this address or message; the rest may pass.
			const permanent = typeof responseCode === 'number' && responseCode >= 500;
			return { ok: false, retry: !permanent, error: (message ?? String(error)).slice(0, 300) };
		}
	}

	close(): void {
		this.#transport.close();
	}
}

/** When SMTP_URL is unset: email rows fail at once with a message the delivery log shows. */
export const emailOff: ChannelSender = {
	send: async () => ({ ok: false, retry: false, error: 'SMTP_URL is not set: email is off' })
};
