import { it, expect } from 'vitest';
import { buildChanges } from '$lib/server/live/commits';
import { LiveState } from '$lib/server/live/state';
import { Lookups } from '$lib/server/lookups';
it('probe', () => {
	const lookups = new Lookups();
	lookups.applyChange('agents', { id: 7, tenant_id: 1, name: 'Ann' });
	const state = new LiveState((id) => ({ id, name: 'x', timezone: 'UTC' }), () => Date.parse('2026-03-10T12:00:00Z'));
	const raw = { id: '1', tenant_id: 1, queue_id: 1, channel: 'voice', status: 'active', agent_id: 7, created_at: '2026-03-10 11:00:00' };
	const d = buildChanges([
		{ schema: 'p', table: 'active_interactions', before: null, after: raw },
		{ schema: 'p', table: 'agents', before: { id: 7, tenant_id: 1, name: 'Ann' }, after: { id: 7, tenant_id: 1, name: 'Ann Smith' } }
	], lookups, state);
	console.log(JSON.stringify(d));
	expect(d[0].row?.agentName).toBe('Ann Smith');
});
