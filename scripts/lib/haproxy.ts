import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';
import { ensureCommands, spawnDetached, terminateProcess, waitUntilReady } from './system';

/**
 * HAProxy (Debian's package) in front of several app nodes, for the demo and the tests, with
 * the same settings as deploy/haproxy.cfg: round robin, WebSocket-only transport so no sticky
 * sessions, and a node taken out of rotation when its /ready fails.
 */

export interface HaproxyHandle {
	port: number;
	url: string;
	pid: number;
	/**
	 * The backend slots HAProxy routes to now (1-based, as `node<i>` in its config): its health
	 * checks lag a node's own readiness by up to one check interval.
	 */
	routed(): Promise<Set<number>>;
	stop(): Promise<void>;
}

export function haproxyConfig(opts: {
	port: number;
	backends: number[];
	statsPort: number;
}): string {
	const servers = opts.backends
		.map((port, i) => `\tserver node${i + 1} 127.0.0.1:${port} check inter 500ms fall 2 rise 1`)
		.join('\n');
	// No global maxconn: HAProxy derives it from the open-files limit, where a fixed 20000 needs
	// 40k descriptors and makes HAProxy refuse to start under a common 20k hard limit.
	return `global

defaults
	mode http
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	# A WebSocket lives for hours: the tunnel timeout, not the client one, applies to it.
	timeout tunnel 1h
	option redispatch
	retries 2
	# The browser's address for the nodes' per-address limits (nodes run ADDRESS_HEADER=x-forwarded-for).
	option forwardfor

frontend live
	bind 127.0.0.1:${opts.port}
	default_backend nodes

backend nodes
	balance roundrobin
	option httpchk GET /ready
	http-check expect status 200
${servers}

# Which servers are in rotation, for the launcher (not part of deploy/haproxy.cfg).
listen stats
	bind 127.0.0.1:${opts.statsPort}
	stats enable
	stats uri /stats
`;
}

export async function startHaproxy(opts: {
	dir: string;
	backends: number[];
	port?: number;
}): Promise<HaproxyHandle> {
	await ensureCommands([{ command: 'haproxy', aptPackage: 'haproxy' }]);
	const port = opts.port ?? (await freePort());
	const statsPort = await freePort();
	const configFile = path.join(opts.dir, 'haproxy.cfg');
	const logFile = path.join(opts.dir, 'haproxy.log');
	writeFileSync(configFile, haproxyConfig({ port, backends: opts.backends, statsPort }));
	// -db: stay in the foreground, so the process we started is the one we stop.
	const { pid, exitStatus } = spawnDetached('haproxy', ['-db', '-f', configFile], logFile);
	const url = `http://127.0.0.1:${port}`;
	// Any answer will do (503 while no node is up yet): haproxy itself is listening.
	await waitUntilReady({
		name: 'haproxy',
		logFile,
		exitStatus,
		probe: () => fetch(`${url}/health`)
	});
	const routed = async () => {
		const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
		const up = new Set<number>();
		for (const line of csv.split('\n')) {
			// # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,...
			const fields = line.split(',');
			const slot = /^node(\d+)$/.exec(fields[1] ?? '');
			if (fields[0] === 'nodes' && slot && fields[17] === 'UP') up.add(Number(slot[1]));
		}
		return up;
	};
	return { port, url, pid, routed, stop: () => terminateProcess(pid, 5_000) };
}
