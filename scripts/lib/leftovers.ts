import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { terminateProcess } from './system';

/**
 * Finding what a run left running. A run's processes show themselves in one of two ways: their
 * command line points into the run's directory (mariadbd --datadir=…, redis-server --dir …), or
 * they inherited RUN_DIR_VAR from it (app servers, Chromium, load workers). The second holds
 * whoever started them and after their parent is gone, which is exactly when they get lost.
 */

/** Set by a run for everything it starts: the run's directory (see run-dir.ts). */
export const RUN_DIR_VAR = 'IL_RUN_DIR';
/** Set on a reaper (see reaper.ts): the directory it will clean up if its owner dies. */
export const REAPER_VAR = 'IL_REAPER_FOR';

export interface Leftover {
	pid: number;
	command: string;
	/** Why it counts as the run's: its command line, or the run directory in its environment. */
	via: 'command line' | typeof RUN_DIR_VAR;
}

/** Linux: processes can be listed with their command lines. Elsewhere the checks find nothing. */
export const canListProcesses = existsSync('/proc/self/cmdline');

interface ProcessInfo {
	pid: number;
	ppid: number;
	args: string[];
}

function readProc(pid: number, file: string): string | null {
	try {
		return readFileSync(`/proc/${pid}/${file}`, 'utf8');
	} catch {
		return null; // gone meanwhile, or not ours to read
	}
}

/** Live processes (zombies are already dead: nothing to stop). Empty without /proc. */
function listProcesses(): ProcessInfo[] {
	let names: string[];
	try {
		names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return [];
	}
	const result: ProcessInfo[] = [];
	for (const name of names) {
		const pid = Number(name);
		const stat = readProc(pid, 'stat');
		const cmdline = readProc(pid, 'cmdline');
		if (stat === null || cmdline === null) continue;
		// "pid (comm) state ppid …": comm may hold spaces and parentheses; count from the last ')'.
		const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (state === 'Z' || state === 'X') continue;
		result.push({ pid, ppid: Number(ppid), args: cmdline.split('\0').filter(Boolean) });
	}
	return result;
}

/** Pids of the live processes whose arguments pass the test. */
export function processesWhere(test: (args: string[]) => boolean): number[] {
	return listProcesses()
		.filter((p) => test(p.args))
		.map((p) => p.pid);
}

/** The command line of a live process, or null. */
export function commandLineOf(pid: number): string[] | null {
	return readProc(pid, 'cmdline')?.split('\0').filter(Boolean) ?? null;
}

/** The value of one variable in a process's initial environment, or null. */
export function environmentValue(pid: number, name: string): string | null {
	const environ = readProc(pid, 'environ');
	if (environ === null) return null;
	const entry = environ.split('\0').find((item) => item.startsWith(`${name}=`));
	return entry === undefined ? null : entry.slice(name.length + 1);
}

/** True when text names dir or a path inside it (e.g. "--datadir=/tmp/x/data" for /tmp/x). */
export function pointsInto(text: string, dir: string): boolean {
	for (let at = text.indexOf(dir); at >= 0; at = text.indexOf(dir, at + 1)) {
		const next = text[at + dir.length];
		if (next === undefined || next === '/') return true;
	}
	return false;
}

/** pid itself, its parent, its parent's parent… up to init. */
function ancestorsOf(pid: number, byPid: Map<number, ProcessInfo>): Set<number> {
	const result = new Set<number>();
	for (let at = byPid.get(pid); at && !result.has(at.pid); at = byPid.get(at.ppid)) {
		result.add(at.pid);
	}
	return result;
}

/**
 * Processes of the runs in dirs. Never this process or its ancestors: a check runs inside the
 * run (its shell, npx) and they carry the run's variable too. With spareChildren, nor this
 * process's own children that carry only the variable: a test runner's workers, which it stops
 * itself after the check (vitest tears its global setup down before it closes its pool). A
 * detached server of ours still counts then: its command line points into the run.
 */
export function findLeftovers(dirs: string[], opts: { spareChildren?: boolean } = {}): Leftover[] {
	const processes = listProcesses();
	const byPid = new Map(processes.map((p) => [p.pid, p]));
	const spared = ancestorsOf(process.pid, byPid);
	const found: Leftover[] = [];
	for (const { pid, ppid, args } of processes) {
		if (spared.has(pid)) continue;
		const command = args.join(' ');
		if (dirs.some((dir) => args.some((arg) => pointsInto(arg, dir)))) {
			found.push({ pid, command, via: 'command line' });
			continue;
		}
		if (opts.spareChildren && ppid === process.pid) continue;
		const runDir = environmentValue(pid, RUN_DIR_VAR);
		if (runDir !== null && dirs.some((dir) => pointsInto(runDir, dir))) {
			found.push({ pid, command, via: RUN_DIR_VAR });
		}
	}
	return found;
}

/** Pids of the reapers that are cleaning up (or standing by for) runs in dirs. */
export function findReapers(dirs: string[]): number[] {
	return listProcesses()
		.filter(({ pid }) => {
			const dir = environmentValue(pid, REAPER_VAR);
			return dir !== null && pid !== process.pid && dirs.some((d) => pointsInto(dir, d));
		})
		.map(({ pid }) => pid);
}

/** SIGTERM to all at once (mariadbd takes a moment to shut down), SIGKILL after graceMs. */
export async function stopLeftovers(found: Leftover[], graceMs = 10_000): Promise<void> {
	await Promise.all(found.map(({ pid }) => terminateProcess(pid, graceMs)));
}

/** One line a process: pid, why it counts, and its command line (shortened). */
export function describeLeftovers(found: Leftover[]): string {
	return found
		.map(({ pid, command, via }) => {
			const shown = command.length > 300 ? `${command.slice(0, 300)}…` : command;
			return `  pid ${pid} (${via}): ${shown}`;
		})
		.join('\n');
}
