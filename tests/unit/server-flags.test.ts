import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from '../../scripts/lib/build';

describe('the server process', () => {
	it('`npm start` runs the entry with the flags every test, demo and bench server runs with', () => {
		const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
			scripts: Record<string, string>;
		};
		expect(scripts.start).toBe(['node', ...SERVER_NODE_FLAGS, SERVER_ENTRY].join(' '));
	});
});
