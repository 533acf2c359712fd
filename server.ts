/**
 * Production entry: adapter-node's handler and Socket.IO on one HTTP server.
 * Importing the handler runs SvelteKit's init hook, which starts the app (see src/lib/server/app).
 * `npm run build` compiles this file to build/server.js, next to the handler: `npm start` runs
 * that with plain node.
 */
import { createServer } from 'node:http';
import type { App } from './src/lib/server/app';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
// adapter-node assumes https when it cannot tell the public origin, and SvelteKit then refuses
// every form post (sign-in!) as cross-site. Behind a proxy set ORIGIN or PROTOCOL_HEADER.
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
	const warning = `ORIGIN is not set: assuming ${process.env.ORIGIN}`;
	// Before the app (and its logger) exists; a log collector still gets one JSON object a line.
	const json = { time: new Date().toISOString(), level: 'warn', scope: 'server', msg: warning };
	console.warn(process.env.LOG_FORMAT === 'json' ? JSON.stringify(json) : warning);
}

// Beside build/server.js, built by `vite build`; a variable path keeps the type checker from
// needing the build.
const handlerPath = './handler.js';
const { handler } = (await import(handlerPath)) as { handler: import('node:http').RequestListener };
const app = await (globalThis as { [key: symbol]: Promise<App> })[
	Symbol.for('interactions-live.app')
];

const server = createServer(handler);
app.attach(server);

server.listen(port, host, () => {
	app.log.info(`listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		app.log.info(`${signal}: shutting down`);
		const force = setTimeout(() => process.exit(1), 10_000);
		force.unref();
		app.stop().then(
			() => process.exit(0),
			() => process.exit(1)
		);
	});
}
