import { spawn } from 'node:child_process';
import path from 'node:path';
import { startRedis } from '../../scripts/lib/redis';
import { RunDir } from '../../scripts/lib/run-dir';

/**
 * A stand-in for a test runner, for tests/integration/leftovers.test.ts to kill: opens a run
 * directory, starts a detached service in it (Redis) and a plain child that, like an app server,
 * is marked only by the run's IL_RUN_DIR, prints their pids as one JSON line, and waits.
 */
const run = RunDir.open('il-owner-');
const redis = await startRedis({ dataDir: path.join(run.path, 'redis') });
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
console.log(JSON.stringify({ dir: run.path, redisPid: redis.pid, childPid: child.pid }));
setInterval(() => {}, 60_000);
