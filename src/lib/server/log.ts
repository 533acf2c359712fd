import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A small leveled logger: one line per event, as text for people or as JSON for log collectors
 * (LOG_FORMAT=json). Lines written while an HTTP request or a socket message is handled carry its
 * request id or socket id, taken from the async context, so no code has to pass them along.
 * Detail fields that can hold a secret or a message body are replaced before anything is written.
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export type LogFormat = 'text' | 'json';

export interface Logger {
	debug(message: string, details?: object): void;
	info(message: string, details?: object): void;
	warn(message: string, details?: object): void;
	error(message: string, details?: object): void;
	child(scope: string): Logger;
}

/** What identifies the work a line belongs to. */
export interface LogContext {
	requestId?: string;
	socketId?: string;
}

export interface LoggerOptions {
	level?: LogLevel;
	format?: LogFormat;
	scope?: string;
	/** Where lines go; the console by default (warn and error to stderr). */
	write?: (line: string, level: LogLevel) => void;
}

// On globalThis like the app itself: hooks and the app may be two module graphs (see app.ts).
const CONTEXT_KEY = Symbol.for('interactions-live.log-context');
const registry = globalThis as { [CONTEXT_KEY]?: AsyncLocalStorage<LogContext> };
const contextStore = (registry[CONTEXT_KEY] ??= new AsyncLocalStorage<LogContext>());

/** Runs `work` with these ids on every line it logs, also after awaits. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
	return contextStore.run({ ...contextStore.getStore(), ...context }, work);
}

export function currentLogContext(): LogContext {
	return contextStore.getStore() ?? {};
}

/**
 * Keys whose values are never written: passwords, tokens (session, wall, metrics), cookies and
 * headers that carry them, and message bodies. `tokenId` and friends are caught too: harmless.
 */
const SECRET_KEY = /pass(word|wd)?|secret|token|cookie|authori[sz]ation|session|body|content/i;

function consoleWrite(line: string, level: LogLevel): void {
	(level === 'error' || level === 'warn' ? console.error : console.log)(line);
}

export function createLogger(options: LoggerOptions = {}): Logger {
	const { level = 'info', format = 'text', scope = 'app', write = consoleWrite } = options;
	const threshold = LEVELS[level];
	const line = (at: LogLevel, message: string, details?: object) => {
		if (LEVELS[at] < threshold) return;
		const fields = { ...details, ...contextStore.getStore() };
		const time = new Date().toISOString();
		if (format === 'json') {
			const record: Record<string, unknown> = { time, level: at, scope, msg: message };
			// A detail never overwrites what the line itself says.
			for (const [key, value] of Object.entries(fields)) if (!(key in record)) record[key] = value;
			write(JSON.stringify(record, replacer), at);
			return;
		}
		const suffix = Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields, replacer) : '';
		write(`${time} ${at.toUpperCase().padEnd(5)} [${scope}] ${message}${suffix}`, at);
	};
	return {
		debug: (m, d) => line('debug', m, d),
		info: (m, d) => line('info', m, d),
		warn: (m, d) => line('warn', m, d),
		error: (m, d) => line('error', m, d),
		child: (child) => createLogger({ ...options, scope: `${scope}:${child}` })
	};
}

function replacer(key: string, value: unknown): unknown {
	if (key !== '' && SECRET_KEY.test(key) && value !== null && value !== undefined) {
		return '[redacted]';
	}
	if (value instanceof Error) {
		const code = (value as Error & { code?: string; errno?: number }).code;
		return { message: value.message, code };
	}
	if (typeof value === 'bigint') return value.toString();
	return value;
}
