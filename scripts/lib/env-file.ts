import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The demo writes its settings to .data/demo.env so `npm run user` and `npm start` find the
 * same databases. Variables already set in the environment win.
 */
export function readEnvFile(file: string): Record<string, string> {
	if (!existsSync(file)) return {};
	const values: Record<string, string> = {};
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
		if (match) values[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
	}
	return values;
}

export function writeEnvFile(file: string, values: Record<string, string>): void {
	const lines = Object.entries(values).map(([key, value]) => `${key}='${value}'`);
	writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
}

export function envWithFile(file: string): Record<string, string | undefined> {
	return { ...readEnvFile(file), ...process.env };
}
