import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CommandNeed {
	command: string;
	aptPackage: string;
}

// Server binaries such as mariadbd live in sbin, which a non-root PATH usually leaves out.
const extraDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of an executable found on PATH or in the usual system dirs, else null. */
export function resolveCommand(name: string): string | null {
	const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
	for (const dir of [...pathDirs, ...extraDirs]) {
		const candidate = path.join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not in this dir: keep looking
		}
	}
	return null;
}

/** Like resolveCommand, but throws with the install command when the binary is missing. */
export function requireCommand(name: string, aptPackage: string): string {
	const found = resolveCommand(name);
	if (found) return found;
	throw new Error(`${name} not found. Install it with: sudo apt-get install -y ${aptPackage}`);
}

let aptUpdated = false;

/** Installs missing commands with apt-get when running as root, otherwise says what to run. */
export async function ensureCommands(needs: CommandNeed[]): Promise<void> {
	const missing = needs.filter((need) => resolveCommand(need.command) === null);
	if (missing.length === 0) return;
	const packages = [...new Set(missing.map((need) => need.aptPackage))].join(' ');
	const commands = missing.map((need) => need.command).join(', ');
	if (process.getuid?.() !== 0 || resolveCommand('apt-get') === null) {
		throw new Error(`Missing ${commands}. Install with: sudo apt-get install -y ${packages}`);
	}
	console.log(`… installing ${packages} with apt-get (missing ${commands}; a minute or two)`);
	if (!aptUpdated) await runQuietly('apt-get', ['update']);
	aptUpdated = true;
	const env = { DEBIAN_FRONTEND: 'noninteractive' };
	await runQuietly('apt-get', ['install', '-y', ...packages.split(' ')], env);
	const stillMissing = missing.filter((need) => resolveCommand(need.command) === null);
	if (stillMissing.length > 0) {
		const names = stillMissing.map((need) => need.command).join(', ');
		throw new Error(`apt-get installed ${packages} but ${names} is still missing`);
	}
}

/** Runs a command with its output captured; on failure the error carries the output's tail. */
export async function runQuietly(
	command: string,
	args: string[],
	env: Record<string, string> = {},
	cwd?: string
): Promise<string> {
	try {
		const options = { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, cwd };
		return (await execFileAsync(command, args, options)).stdout;
	} catch (error) {
		const { stdout = '', stderr = '', message } = error as Error & Record<string, string>;
		const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
		throw new Error(`${message.split('\n')[0]}\n${tail}`);
	}
}

/** True when the PID is a live (not zombie) process whose name starts with expectedName. */
export function isProcessAlive(pid: number, expectedName?: string): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		// EPERM means it exists but belongs to someone else: alive, though not ours to reuse.
		return (error as NodeJS.ErrnoException).code === 'EPERM' && expectedName === undefined;
	}
	try {
		// /proc/<pid>/stat: "pid (comm) state ..." — a zombie still answers kill(0).
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		if (state === 'Z' || state === 'X') return false;
		// A recycled PID must not make us adopt (or kill) an unrelated process.
		return expectedName === undefined || name.startsWith(expectedName);
	} catch {
		return true; // no /proc (not Linux): trust kill(0)
	}
}

/** Sends SIGTERM, waits for the process to go, and SIGKILLs it after graceMs. */
export async function terminateProcess(pid: number, graceMs = 20_000): Promise<void> {
	sendSignal(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (isProcessAlive(pid)) {
		if (Date.now() > deadline + 5_000) throw new Error(`PID ${pid} survived SIGKILL`);
		if (Date.now() > deadline) sendSignal(pid, 'SIGKILL');
		await sleep(50);
	}
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(pid, signal);
	} catch {
		// already gone
	}
}

/**
 * Starts a server that outlives this process, its stdout and stderr appended to logFile.
 * exitStatus() is null while it runs, then says how it ended.
 */
export function spawnDetached(command: string, args: string[], logFile: string) {
	// Early failures (a bad flag) print before the server opens its own log: keep them there too.
	const logFd = openSync(logFile, 'a');
	const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd] });
	closeSync(logFd);
	child.unref();
	let status: string | null = null;
	child.on('exit', (code, signal) => (status = signal ?? `exit code ${code}`));
	child.on('error', (error) => (status = error.message));
	if (child.pid === undefined) throw new Error(`could not start ${command}`);
	return { pid: child.pid, exitStatus: () => status };
}

/**
 * Polls probe until it resolves; fails early if the server exits, quoting its log either way
 * (a server without a log file of its own writes to ours: its last words are already above).
 */
export async function waitUntilReady(opts: {
	name: string;
	probe: () => Promise<unknown>;
	logFile?: string;
	exitStatus?: () => string | null;
	timeoutMs?: number;
}): Promise<void> {
	const timeoutMs = opts.timeoutMs ?? 30_000;
	const deadline = Date.now() + timeoutMs;
	const { logFile } = opts;
	const fail = (why: string) =>
		new Error(
			logFile === undefined
				? `${opts.name} ${why}`
				: `${opts.name} ${why}; ${logFile} ends with:\n${tailOfFile(logFile)}`
		);
	let lastError = '';
	while (Date.now() < deadline) {
		const exited = opts.exitStatus?.() ?? null;
		if (exited !== null) throw fail(`exited during startup (${exited})`);
		try {
			await opts.probe();
			return;
		} catch (error) {
			lastError = (error as Error).message;
			await sleep(100);
		}
	}
	throw fail(`not ready after ${timeoutMs / 1000} s (${lastError})`);
}

export function readPidFile(file: string): number | null {
	const pid = Number.parseInt(readTextFile(file) ?? '', 10);
	return pid > 0 ? pid : null; // NaN (missing or garbled) fails the test too
}

export function readJsonFile<T>(file: string): T | null {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as T;
	} catch {
		return null;
	}
}

export function writeJsonFile(file: string, value: unknown): void {
	writeFileSync(file, JSON.stringify(value, null, '\t') + '\n');
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last lines of a log file, for error messages; empty when it cannot be read. */
export function tailOfFile(file: string, lines = 20): string {
	return (readTextFile(file) ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

function readTextFile(file: string): string | null {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return null;
	}
}
