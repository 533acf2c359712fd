/** A small leveled logger: one line per event, JSON details, so operators can grep and parse. */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
	debug(message: string, details?: object): void;
	info(message: string, details?: object): void;
	warn(message: string, details?: object): void;
	error(message: string, details?: object): void;
	child(scope: string): Logger;
}

export function createLogger(level: LogLevel = 'info', scope = 'app'): Logger {
	const threshold = LEVELS[level];
	const write = (at: LogLevel, message: string, details?: object) => {
		if (LEVELS[at] < threshold) return;
		const suffix = details ? ' ' + JSON.stringify(details, errorReplacer) : '';
		const line = `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${scope}] ${message}${suffix}`;
		(at === 'error' || at === 'warn' ? console.error : console.log)(line);
	};
	return {
		debug: (m, d) => write('debug', m, d),
		info: (m, d) => write('info', m, d),
		warn: (m, d) => write('warn', m, d),
		error: (m, d) => write('error', m, d),
		child: (child) => createLogger(level, `${scope}:${child}`)
	};
}

function errorReplacer(_key: string, value: unknown): unknown {
	if (value instanceof Error) {
		const code = (value as Error & { code?: string; errno?: number }).code;
		return { message: value.message, code };
	}
	return value;
}
