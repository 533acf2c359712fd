import { readdirSync, readFileSync } from 'node:fs';
import { now } from './stats';

/** Memory and CPU of another process on this machine, from /proc (Linux). */

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

/** Resident set size in MB, or NaN when the process is gone. */
export function rssMb(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
		return match ? Number(match[1]) / 1024 : NaN;
	} catch {
		return NaN;
	}
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
	const { user, system } = cpuTimes(pid);
	return user + system;
}

/** CPU seconds the process has used so far in user space and in the kernel (NaN when gone). */
export function cpuTimes(pid: number): { user: number; system: number } {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may hold spaces: fields are counted after its closing parenthesis.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {
			user: Number(fields[11]) / TICKS_PER_SECOND,
			system: Number(fields[12]) / TICKS_PER_SECOND
		};
	} catch {
		return { user: NaN, system: NaN };
	}
}

/** CPU use of some processes over a window, as % of one core. */
export class CpuMeter {
	#start = new Map<number, number>();
	#startedAt = 0;

	constructor(private readonly pids: Record<string, number | undefined>) {}

	start(): this {
		this.#startedAt = now();
		for (const pid of Object.values(this.pids)) if (pid) this.#start.set(pid, cpuSeconds(pid));
		return this;
	}

	/** name → % of one core since start(). */
	read(): Record<string, number> {
		const seconds = (now() - this.#startedAt) / 1000;
		const result: Record<string, number> = {};
		for (const [name, pid] of Object.entries(this.pids)) {
			if (!pid) continue;
			result[name] = ((cpuSeconds(pid) - (this.#start.get(pid) ?? NaN)) / seconds) * 100;
		}
		return result;
	}
}

/** Samples a process's RSS every `everyMs` until stopped; returns [ms since start, MB] pairs. */
export function sampleRss(pid: number, everyMs: number): { stop(): [number, number][] } {
	const started = now();
	const samples: [number, number][] = [[0, rssMb(pid)]];
	const timer = setInterval(() => samples.push([now() - started, rssMb(pid)]), everyMs);
	return {
		stop() {
			clearInterval(timer);
			samples.push([now() - started, rssMb(pid)]);
			return samples;
		}
	};
}

/** The whole machine's CPU time split (from /proc/stat), as % of all cores, over a window. */
export class SystemCpu {
	#start: number[] = [];

	static #read(): number[] {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
		return line.trim().split(/\s+/).slice(1, 9).map(Number);
	}

	start(): this {
		this.#start = SystemCpu.#read();
		return this;
	}

	/** e.g. "user 61%, system 18%, softirq 12%, steal 0%, idle 9%". */
	read(): string {
		const end = SystemCpu.#read();
		const d = end.map((v, i) => v - (this.#start[i] ?? 0));
		const total = d.reduce((a, b) => a + b, 0) || 1;
		const pct = (v: number) => `${Math.round((v / total) * 100)}%`;
		const [user, nice, system, idle, iowait, irq, softirq, steal] = d;
		return `user ${pct(user + nice)}, system ${pct(system + irq)}, softirq ${pct(softirq)}, steal ${pct(steal)}, idle ${pct(idle + iowait)}`;
	}
}

interface ProcTicks {
	ppid: number;
	comm: string;
	ticks: number;
}

function allProcesses(): Map<number, ProcTicks> {
	const result = new Map<number, ProcTicks>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			const comm = stat.slice(stat.indexOf('(') + 1, close);
			const fields = stat.slice(close + 2).split(' ');
			result.set(Number(name), {
				ppid: Number(fields[1]),
				comm,
				ticks: Number(fields[11]) + Number(fields[12])
			});
		} catch {
			// exited meanwhile
		}
	}
	return result;
}

/**
 * Who used the CPU over a window: named processes, Chromium (every process of it), the rest
 * of this benchmark, and everything else on the (shared) machine. % of one core.
 */
export class CpuSplit {
	#start = new Map<number, ProcTicks>();
	#startedAt = 0;
	#system = new SystemCpu();

	constructor(private readonly named: Record<string, number | undefined>) {}

	start(): this {
		this.#start = allProcesses();
		this.#startedAt = now();
		this.#system.start();
		return this;
	}

	read(): { byName: Record<string, number>; text: string } {
		const end = allProcesses();
		const seconds = (now() - this.#startedAt) / 1000;
		const ours = new Set<number>([process.pid]);
		// Descendants of this process (servers, load processes, Chromium): parents come first often
		// but not always, so iterate to a fixed point (bounded by the tree depth).
		for (let changed = true, rounds = 0; changed && rounds < 20; rounds++) {
			changed = false;
			for (const [pid, p] of end) {
				if (!ours.has(pid) && ours.has(p.ppid)) {
					ours.add(pid);
					changed = true;
				}
			}
		}
		const byName: Record<string, number> = {};
		const add = (name: string, ticks: number) => (byName[name] = (byName[name] ?? 0) + ticks);
		const namedPids = new Map(Object.entries(this.named).map(([n, pid]) => [pid, n]));
		for (const [pid, p] of end) {
			const used = p.ticks - (this.#start.get(pid)?.ticks ?? 0);
			if (used <= 0) continue;
			const name = namedPids.get(pid);
			if (name) add(name, used);
			else if (ours.has(pid)) add(/chrom/i.test(p.comm) ? 'Chromium' : 'bench', used);
			else add('others on the machine', used);
		}
		for (const name of Object.keys(byName)) byName[name] = byName[name] / TICKS_PER_SECOND / seconds * 100; // prettier-ignore
		const parts = Object.entries(byName)
			.sort((a, b) => b[1] - a[1])
			.map(([n, v]) => `${n} ${v.toFixed(0)}`);
		return { byName, text: `${parts.join(', ')} (% of one core); machine ${this.#system.read()}` };
	}
}
