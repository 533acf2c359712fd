/** npm run build: the production build (scripts/lib/build.ts): build/, with build/server.js. */
import { fileURLToPath } from 'node:url';
import { buildApp } from './lib/build';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
	await buildApp(root);
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
