import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

/** In development, Socket.IO attaches to Vite's own HTTP server, loading the app through Vite. */
function realtimeDevServer(): Plugin {
	return {
		name: 'interactions-live-realtime',
		configureServer(server) {
			const httpServer = server.httpServer;
			if (!httpServer) return;
			httpServer.once('listening', async () => {
				const { startApp } = (await server.ssrLoadModule(
					'/src/lib/server/app.ts'
				)) as typeof import('./src/lib/server/app');
				const app = await startApp();
				app.attach(httpServer as import('node:http').Server);
			});
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), realtimeDevServer()]
});
