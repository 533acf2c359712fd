import { afterAll, beforeAll, inject } from 'vitest';
import { Stack } from './stack';

/**
 * A Stack with the app started in this process, for a whole integration test file: made before
 * its first test on the run's MariaDB, destroyed after its last. `ready` receives it.
 */
export function stackForFile(ready: (stack: Stack) => void): void {
	let stack: Stack | undefined;
	beforeAll(async () => {
		stack = await new Stack({ mariadbPort: inject('mariadb').port }).prepare();
		await stack.start();
		ready(stack);
	});
	afterAll(async () => {
		await stack?.destroy();
	});
}
