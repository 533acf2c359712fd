/** Installs (as root) or names the Debian packages the tests and the demo need. */
import { ensureCommands } from './lib/system';

await ensureCommands([
	{ command: 'mariadbd', aptPackage: 'mariadb-server' },
	{ command: 'mariadb-install-db', aptPackage: 'mariadb-server' },
	{ command: 'redis-server', aptPackage: 'redis-server' },
	// Debian's Sentinel (the demo's and the tests' --sentinel): the same binary in sentinel mode.
	{ command: 'redis-sentinel', aptPackage: 'redis-sentinel' },
	{ command: 'chromium', aptPackage: 'chromium' },
	{ command: 'haproxy', aptPackage: 'haproxy' }
]);
