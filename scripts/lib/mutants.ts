/**
 * The enforcement lines `npm run mutate` removes, one at a time: every point where the scope
 * function or a session decides what a viewer may see (src/lib/server/scope lists them: socket
 * rooms, snapshots, replays, history, filter options, recordings, transcriptions, exports), and
 * the checks that end or refuse a session or socket.
 *
 * `find` must occur exactly once in `file`: when the code moves, the script stops and says so,
 * and this list is updated by hand (never loosened to match something else). `tests` are the
 * files that should kill the mutant: vitest files (tests/unit, tests/integration) or Playwright
 * files (tests/browser).
 */

export interface Mutant {
	id: string;
	/** What the mutant removes, in words. */
	what: string;
	file: string;
	find: string;
	replace: string;
	tests: string[];
}

const UNIT_SCOPE = 'tests/unit/scope.test.ts';
const ACCESS_API = 'tests/integration/access-api.test.ts';
const ACCESS_HTTP = 'tests/integration/access-http.test.ts';
const AUTH_SESSIONS = 'tests/integration/auth-sessions.test.ts';
const ENFORCEMENT = 'tests/integration/enforcement.test.ts';

export const MUTANTS: Mutant[] = [
	{
		id: 'can-see-queue',
		what: "canSeeQueue's queue check (a supervisor sees every queue)",
		file: 'src/lib/server/scope/index.ts',
		find: 'return queueId !== null && scope.queues.has(queueId);',
		replace: 'return true;',
		tests: [UNIT_SCOPE, ACCESS_HTTP, ENFORCEMENT]
	},
	{
		id: 'scope-sql-queues',
		what: "scopeSql's queue clause (history, export and recordings for the whole tenant)",
		file: 'src/lib/server/scope/index.ts',
		find: 'params.push([...scope.queues]);\n\treturn `${alias}.tenant_id = ? AND ${alias}.queue_id IN (?)`;',
		replace: 'return `${alias}.tenant_id = ?`;',
		tests: [UNIT_SCOPE, ACCESS_API, ENFORCEMENT]
	},
	{
		id: 'scope-for-tenant',
		what: "scopeFor's tenant check for users (another tenant's id is not refused)",
		file: 'src/lib/server/scope/index.ts',
		find: "if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {\n\t\tthrow new ScopeError('Tenant outside your scope', true);",
		replace:
			"if (requestedTenantId === -1) {\n\t\tthrow new ScopeError('Tenant outside your scope', true);",
		tests: [UNIT_SCOPE, ACCESS_API, ACCESS_HTTP]
	},
	{
		id: 'scope-for-wall-tenant',
		what: "scopeFor's tenant check for wall tokens",
		file: 'src/lib/server/scope/index.ts',
		find: "if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {\n\t\t\tthrow new ScopeError('Tenant outside this display token', true);",
		replace:
			"if (requestedTenantId === -1) {\n\t\t\tthrow new ScopeError('Tenant outside this display token', true);",
		tests: [UNIT_SCOPE, ACCESS_HTTP]
	},
	{
		id: 'narrow-scope',
		what: 'narrowScope refusing queues outside the scope (the client widens its view)',
		file: 'src/lib/server/scope/index.ts',
		find: "const outside = queueIds.filter((id) => scope.queues !== 'all' && !scope.queues.has(id));",
		replace: 'const outside: number[] = [];',
		tests: [UNIT_SCOPE, ACCESS_HTTP, AUTH_SESSIONS]
	},
	{
		id: 'screen-access',
		what: 'hasScreenAccess (an account without cdr/interactions opens the screen)',
		file: 'src/lib/server/scope/index.ts',
		find: "return viewer.permissions.some((p) => p === 'cdr' || p === 'interactions');",
		replace: 'return true;',
		tests: [UNIT_SCOPE, ACCESS_HTTP]
	},
	{
		id: 'snapshot-filter',
		what: 'the snapshot filter in subscribe',
		file: 'src/lib/server/realtime/index.ts',
		find: 'live.snapshot(scope.tenantId, (row) => canSee(scope, row))',
		replace: 'live.snapshot(scope.tenantId, () => true)',
		tests: [ACCESS_HTTP, AUTH_SESSIONS]
	},
	{
		id: 'replay-filter',
		what: 'the projectChange filter of a reconnect replay (every missed change to every socket)',
		file: 'src/lib/server/realtime/index.ts',
		find: 'const visible = projectChange(change, scope);\n\t\t\t\t\tif (visible) changes.push(visible);',
		replace: 'changes.push(change);',
		tests: [ENFORCEMENT]
	},
	{
		id: 'rooms-tenant',
		what: 'roomsFor: every viewer joins the tenant room',
		file: 'src/lib/server/realtime/rooms.ts',
		find: "if (scope.queues === 'all') return [tenantRoom(scope.tenantId)];",
		replace: 'return [tenantRoom(scope.tenantId)];',
		tests: ['tests/unit/rooms.test.ts', AUTH_SESSIONS, 'tests/integration/isolation.test.ts']
	},
	{
		id: 'refresh-viewers',
		what: "refreshViewers' resubscribe when a viewer's scope changes",
		file: 'src/lib/server/realtime/index.ts',
		find: 'if (scopeKey(before) !== scopeKey(viewer)) {',
		replace: 'if (false) {',
		tests: [AUTH_SESSIONS]
	},
	{
		id: 'session-sweep',
		what: 'the session-expiry sweep of open sockets',
		file: 'src/lib/server/realtime/index.ts',
		find: 'if (viewer.sessionExpiresAt <= now) {',
		replace: 'if (false) {',
		tests: [ENFORCEMENT]
	},
	{
		id: 'same-origin',
		what: "the socket handshake's Origin check (cross-site WebSocket hijacking)",
		file: 'src/lib/server/realtime/index.ts',
		find: 'callback(null, isSameOrigin(request.headers, deps.allowedOrigin))',
		replace: 'callback(null, true)',
		tests: [ENFORCEMENT]
	},
	{
		id: 'export-today',
		what: "the canSee filter of today's export (the live view)",
		file: 'src/lib/server/export/csv.ts',
		find: '(row) => canSee(scope, row) && matchesFilters(row, filters)',
		replace: '(row) => matchesFilters(row, filters)',
		tests: ['tests/integration/export.test.ts']
	},
	{
		id: 'recording-scope',
		what: 'scopeSql in the recording lookup',
		file: 'src/lib/server/recordings/lookup.ts',
		find: "const inScope = scopeSql(scope, 'c', params);\n\tconst [rows]",
		replace: "const inScope = '1 = 1';\n\tconst [rows]",
		tests: ['tests/integration/recordings.test.ts']
	},
	{
		id: 'transcription-scope',
		what: 'scopeSql in the transcription lookup',
		file: 'src/lib/server/recordings/lookup.ts',
		find: "const inScope = scopeSql(scope, 'c', params);\n\tconst database",
		replace: "const inScope = '1 = 1';\n\tconst database",
		tests: ['tests/integration/recordings.test.ts']
	},
	{
		id: 'person-history-active',
		what: 'scopeSql in the in-progress part of client/agent history (tenant only)',
		file: 'src/lib/server/history/person.ts',
		find: "const where = `${scopeSql(scope, 'c', params)} AND ${keySql(key, params)}`;",
		replace:
			'params.push(scope.tenantId);\n\t\tconst where = `c.tenant_id = ? AND ${keySql(key, params)}`;',
		tests: [ENFORCEMENT]
	},
	{
		id: 'history-queue-param',
		what: 'the queue filter of a history request checked against the scope',
		file: 'src/lib/server/history/request.ts',
		find: '!canSeeQueue(scope, queue.id)',
		replace: 'false',
		tests: [ACCESS_API]
	},
	{
		id: 'filter-options',
		what: "the Queue filter's options (supervisors see only their queues)",
		file: 'src/routes/interactions/+page.server.ts',
		find: '.filter((q) => q.tenantId === scope.tenantId && canSeeQueue(scope, q.id))',
		replace: '.filter((q) => q.tenantId === scope.tenantId)',
		tests: [ACCESS_HTTP, AUTH_SESSIONS]
	},
	{
		id: 'session-absolute',
		what: "a session's absolute expiry (checked on every request and handshake)",
		file: 'src/lib/server/auth/sessions.ts',
		find: '|| now >= expires ||',
		replace: '||',
		tests: [AUTH_SESSIONS]
	},
	{
		id: 'session-idle',
		what: "a session's idle expiry",
		file: 'src/lib/server/auth/sessions.ts',
		find: '|| now - lastSeen >= this.policy.idleMs)',
		replace: ')',
		tests: [AUTH_SESSIONS]
	},
	{
		id: 'wall-token-revoked',
		what: 'a revoked wall token still opening a board',
		file: 'src/lib/server/auth/wall.ts',
		find: 'WHERE token_hash = ? AND revoked_at IS NULL',
		replace: 'WHERE token_hash = ?',
		tests: [AUTH_SESSIONS]
	}
];
