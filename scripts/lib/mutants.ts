import { existsSync, readFileSync } from 'node:fs';

/**
 * The enforcement lines `npm run mutate` removes, one at a time: the scope rule itself
 * (src/lib/server/scope) and every enforcement point docs/ARCHITECTURE.md names (socket
 * subscribe and rooms, replay, snapshot, history and person history, filter options and window
 * titles, today's and history export, recordings and transcriptions, the wall, access changes),
 * plus the checks that end or refuse a session or a socket.
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

/**
 * What keeps mutants from running as written (paths from the project's root): a file or test
 * that is gone, or a find text that no longer matches exactly once because the code moved.
 */
export function mutantProblems(mutants: readonly Mutant[]): string[] {
	const problems: string[] = [];
	for (const m of mutants) {
		if (!existsSync(m.file)) problems.push(`${m.id}: ${m.file} does not exist`);
		else {
			const count = readFileSync(m.file, 'utf8').split(m.find).length - 1;
			if (count !== 1) problems.push(`${m.id}: found ${count} times in ${m.file}`);
		}
		for (const test of m.tests) if (!existsSync(test)) problems.push(`${m.id}: no test ${test}`);
	}
	return problems;
}

const UNIT_SCOPE = 'tests/unit/scope.test.ts';
const ACCESS_API = 'tests/integration/access-api.test.ts';
const ACCESS_HTTP = 'tests/integration/access-http.test.ts';
const AUTH_SESSIONS = 'tests/integration/auth-sessions.test.ts';
const ENFORCEMENT = 'tests/integration/enforcement.test.ts';
const EXPORT = 'tests/integration/export.test.ts';
const RECORDINGS = 'tests/integration/recordings.test.ts';
const SECURITY_LIVE = 'tests/security/live.test.ts';
const SECURITY_SCOPE = 'tests/security/scope.test.ts';
const SECURITY_FLOODS = 'tests/security/floods.test.ts';
const RULES = 'src/lib/server/scope/rules.ts';
const DIRECTORY = 'src/lib/server/scope/directory.ts';
const LIVE = 'src/lib/server/live/index.ts';
const VIEWERS = 'src/lib/server/realtime/viewers.ts';
const ALERTS = 'tests/integration/alerts.test.ts';

export const MUTANTS: Mutant[] = [
	// The scope rule (scope/rules.ts, scope/resolve.ts, scope/directory.ts).
	{
		id: 'can-see-queue',
		what: "canSeeQueue's queue check (a supervisor sees every queue)",
		file: RULES,
		find: 'return queueId !== null && scope.queues.has(queueId);',
		replace: 'return true;',
		tests: [UNIT_SCOPE, ACCESS_HTTP, ENFORCEMENT]
	},
	{
		id: 'project-change-tenant',
		what: "projectChange's tenant check (another tenant's changes pass)",
		file: RULES,
		find: 'if (change.tenantId !== scope.tenantId) return null;',
		replace: '',
		tests: [UNIT_SCOPE, ENFORCEMENT]
	},
	{
		id: 'scope-sql-queues',
		what: "scopeSql's queue clause (SQL paths see the whole tenant)",
		file: RULES,
		find: 'params.push([...scope.queues]);\n\treturn `${alias}.tenant_id = ? AND ${alias}.queue_id IN (?)`;',
		replace: 'return `${alias}.tenant_id = ?`;',
		tests: [UNIT_SCOPE, ACCESS_API, ENFORCEMENT]
	},
	{
		id: 'scope-for-tenant',
		what: "scopeFor's tenant check for users (another tenant's id is not refused)",
		file: RULES,
		find: "if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {\n\t\tthrow new ScopeError('Tenant outside your scope', true);",
		replace:
			"if (requestedTenantId === -1) {\n\t\tthrow new ScopeError('Tenant outside your scope', true);",
		tests: [UNIT_SCOPE, ACCESS_API, ACCESS_HTTP]
	},
	{
		id: 'scope-for-wall-tenant',
		what: "scopeFor's tenant check for wall tokens",
		file: RULES,
		find: "if (requestedTenantId !== undefined && requestedTenantId !== viewer.tenantId) {\n\t\t\tthrow new ScopeError('Tenant outside this display token', true);",
		replace:
			"if (requestedTenantId === -1) {\n\t\t\tthrow new ScopeError('Tenant outside this display token', true);",
		tests: [UNIT_SCOPE, ACCESS_HTTP]
	},
	{
		id: 'narrow-scope',
		what: 'narrowScope refusing queues outside the scope (a client widens its view)',
		file: RULES,
		find: "const outside = queueIds.filter((id) => scope.queues !== 'all' && !scope.queues.has(id));",
		replace: 'const outside: number[] = [];',
		tests: [UNIT_SCOPE, ACCESS_HTTP, AUTH_SESSIONS]
	},
	{
		id: 'screen-access',
		what: 'hasScreenAccess (an account without cdr/interactions opens the screen)',
		file: RULES,
		find: "return viewer.permissions.some((p) => p === 'cdr' || p === 'interactions');",
		replace: 'return true;',
		tests: [UNIT_SCOPE, ACCESS_HTTP]
	},
	{
		id: 'resolve-queue-tenant',
		what: "resolveScope refusing a queue of another tenant (a CC Admin's queue filter)",
		file: 'src/lib/server/scope/resolve.ts',
		find: 'const unknown = queueIds.filter((id) => directory.queues.get(id)?.tenantId !== tenant.id);',
		replace: 'const unknown: number[] = [];',
		tests: ['tests/unit/resolve-scope.test.ts', ACCESS_HTTP, ACCESS_API]
	},
	{
		id: 'visible-queues',
		what: 'visibleQueues: filter options, the wall and history queue checks list every queue',
		file: DIRECTORY,
		find: '.filter((queue) => queue.tenantId === scope.tenantId && canSeeQueue(scope, queue.id))',
		replace: '.filter((queue) => queue.tenantId === scope.tenantId)',
		tests: [ACCESS_HTTP, ACCESS_API, AUTH_SESSIONS]
	},
	{
		id: 'agent-in-scope',
		what: "agentInScope's tenant check (another tenant's agent history, window title)",
		file: DIRECTORY,
		find: 'if (!agent || agent.tenantId !== scope.tenantId) return null;',
		replace: 'if (!agent) return null;',
		tests: [ACCESS_API, ENFORCEMENT]
	},
	{
		id: 'contact-in-scope',
		what: "contactInScope's tenant check (another tenant's client in a window title)",
		file: DIRECTORY,
		find: 'if (!contact || contact.tenantId !== scope.tenantId) return null;',
		replace: 'if (!contact) return null;',
		tests: [ENFORCEMENT]
	},
	// Live: catch-up, rooms, open sockets.
	{
		id: 'snapshot-filter',
		what: 'the snapshot filter of catchUp (a subscribe gets every row of the tenant)',
		file: LIVE,
		find: '.rows(scope.tenantId, (row) => canSee(scope, row))',
		replace: '.rows(scope.tenantId, () => true)',
		tests: [ACCESS_HTTP, AUTH_SESSIONS]
	},
	{
		id: 'replay-filter',
		what: 'the projectChange filter of a replay (every missed change to every socket)',
		file: LIVE,
		find: 'const visible = projectChange(change, scope);\n\t\t\tif (!visible) continue;',
		replace: 'const visible = change;',
		tests: [ENFORCEMENT]
	},
	{
		id: 'rooms-tenant',
		what: "the fan-out's projection: a supervisor's room is sent every change of the tenant",
		file: 'src/lib/server/realtime/rooms.ts',
		find: "if (scope.queues === 'all' && view === 'full') return changes;",
		replace: "if (view === 'full') return changes;",
		tests: ['tests/unit/rooms.test.ts', AUTH_SESSIONS, 'tests/integration/isolation.test.ts']
	},
	{
		id: 'refresh-viewers',
		what: "refreshViewers' resubscribe when a viewer's scope changes",
		file: VIEWERS,
		find: 'return { open: true, scopeChanged: scopeKey(before) !== scopeKey(viewer) };',
		replace: 'return { open: true, scopeChanged: false };',
		tests: [AUTH_SESSIONS]
	},
	{
		id: 'session-sweep',
		what: 'the session-expiry sweep of open sockets',
		file: VIEWERS,
		find: 'if (viewer.sessionExpiresAt <= now) endSocket(',
		replace: 'if (false) endSocket(',
		tests: [ENFORCEMENT]
	},
	{
		id: 'same-origin',
		what: 'isSameOrigin always true (cross-site WebSocket hijacking)',
		file: 'src/lib/server/realtime/origin.ts',
		find: "if (typeof origin !== 'string') return true;",
		replace: 'return true;',
		tests: [ENFORCEMENT]
	},
	// What a wall socket is sent: the board's fields only (scope/fields.ts).
	{
		id: 'wall-view',
		what: 'a wall socket treated as a person (whole rows: numbers, CRM ids, message previews)',
		file: 'src/lib/server/realtime/subscribe.ts',
		find: 'const view = rowViewOf(socket.data.viewer);',
		replace: "const view = 'full' as const;",
		tests: [SECURITY_LIVE]
	},
	{
		id: 'wall-fields-snapshot',
		what: "a wall's snapshot sent whole rows",
		file: LIVE,
		find: '.map((row) => viewRow(row, view));',
		replace: '.map((row) => row);',
		tests: [SECURITY_LIVE]
	},
	{
		id: 'wall-fields-fanout',
		what: "a wall room's live changes sent with whole rows",
		file: 'src/lib/server/realtime/rooms.ts',
		find: 'if (projected) visible.push(viewChange(projected, view));',
		replace: 'if (projected) visible.push(projected);',
		tests: ['tests/unit/rooms.test.ts', SECURITY_LIVE]
	},
	{
		id: 'wall-fields-replay',
		what: "a wall's replay sent with whole rows",
		file: LIVE,
		find: 'changes.push(viewChange(visible, view));',
		replace: 'changes.push(visible);',
		tests: [SECURITY_LIVE]
	},
	{
		id: 'wall-client-name',
		what: "a wall's Client column falling back to the caller's number",
		file: 'src/lib/server/scope/fields.ts',
		find: 'clientName: wallClientName(row),',
		replace: 'clientName: row.clientName,',
		tests: ['tests/unit/scope.test.ts', SECURITY_LIVE]
	},
	// What one sign-in, wall link or address may make the socket server do (issue 21, item 1).
	{
		id: 'sockets-per-principal',
		what: 'no limit on the sockets of one sign-in or wall-display token',
		file: 'src/lib/server/realtime/principals.ts',
		find: 'if (open >= limit) {',
		replace: 'if (false) {',
		tests: ['tests/unit/socket-limits.test.ts', SECURITY_FLOODS]
	},
	{
		id: 'handshakes-per-address',
		what: 'no limit on the handshakes of one address',
		file: 'src/lib/server/realtime/handshake.ts',
		find: 'if (!handshakes.take(clientAddress(request, deps.clientAddress))) {',
		replace: 'if (false) {',
		tests: [SECURITY_FLOODS]
	},
	{
		id: 'replay-past-snapshot',
		what: 'a replay longer than the scope has rows sent instead of its snapshot',
		file: LIVE,
		find: 'if (changes.length === limit) return null;',
		replace: '',
		tests: [SECURITY_FLOODS]
	},
	{
		id: 'replays-shared-per-room',
		what: 'shared replays keyed by less than the scope room (one scope gets another’s changes)',
		file: 'src/lib/server/realtime/catch-up.ts',
		find: 'const roomReplays = replays.room(room);',
		replace: "const roomReplays = replays.room('one');",
		tests: [SECURITY_FLOODS]
	},
	// History, export, recordings.
	{
		id: 'person-in-scope-api',
		what: "/api/history's check that the scope shows the person (names from other queues)",
		file: 'src/routes/api/history/+server.ts',
		find: 'if (!(await personInScope(scope, locals, key))) return null;',
		replace: '',
		tests: [SECURITY_SCOPE]
	},
	{
		id: 'phone-in-scope',
		what: 'phoneInScope: a caller number counts as seen everywhere',
		file: DIRECTORY,
		find: "return seenInScope(deps, scope, 'phone', phone);",
		replace: 'return Promise.resolve(true);',
		tests: [SECURITY_SCOPE]
	},
	{
		id: 'history-scope',
		what: 'scopeSql in the history WHERE (list, count and history export)',
		file: 'src/lib/server/history/where.ts',
		find: "const parts = [scopeSql(scope, 'c', params)];",
		replace: 'const parts: string[] = [];',
		tests: [ACCESS_API, EXPORT]
	},
	{
		id: 'history-queue-param',
		what: 'the queue filter of a history request checked against the scope',
		file: 'src/lib/server/history/request.ts',
		find: '!visibleQueues(scope, deps.lookups).some((q) => q.id === queueId)',
		replace: 'false',
		tests: [ACCESS_API]
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
		id: 'person-history-closed',
		what: 'scopeSql in the closed part of client/agent history (tenant only)',
		file: 'src/lib/server/history/person.ts',
		find: "let where = `${scopeSql(scope, 'c', params)} AND ${keySql(key, params)}`;",
		replace:
			'params.push(scope.tenantId);\n\tlet where = `c.tenant_id = ? AND ${keySql(key, params)}`;',
		tests: [ACCESS_API, ENFORCEMENT]
	},
	{
		id: 'export-today',
		what: "the canSee filter of today's export (the live view)",
		file: 'src/lib/server/export/batches.ts',
		find: '(row) => canSee(scope, row) && matchesFilters(row, filters)',
		replace: '(row) => matchesFilters(row, filters)',
		tests: [EXPORT]
	},
	{
		id: 'recording-scope',
		what: 'scopeSql in the recording lookup',
		file: 'src/lib/server/recordings/lookup.ts',
		find: "const inScope = scopeSql(scope, 'c', params);\n\tconst [rows]",
		replace: "const inScope = '1 = 1';\n\tconst [rows]",
		tests: [RECORDINGS]
	},
	{
		id: 'transcription-scope',
		what: 'scopeSql in the transcription lookup',
		file: 'src/lib/server/recordings/lookup.ts',
		find: "const inScope = scopeSql(scope, 'c', params);\n\tconst database",
		replace: "const inScope = '1 = 1';\n\tconst database",
		tests: [RECORDINGS]
	},
	// Sign-in.
	{
		id: 'safe-next',
		what: "safeNext's second look (`/.//evil.example` signs in to `//evil.example`: an open redirect)",
		file: 'src/lib/server/http/next.ts',
		find: 'if (path === null || sameOriginPath(path) !== path) return DEFAULT_LANDING;',
		replace: 'if (path === null) return DEFAULT_LANDING;',
		tests: ['tests/unit/safe-next.test.ts', 'tests/security/sign-in-redirect.test.ts']
	},
	// Sessions and wall tokens.
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
	},
	// Issue 23 (alerts-core): who is sent, lists and acknowledges an alert; who manages rules.
	{
		id: 'alert-socket-scope',
		what: 'alerts:changed sent to every socket, not only those whose scope includes the queue',
		file: 'src/lib/server/realtime/alerts.ts',
		find: 'return scope !== null && canSee(scope, alert);',
		replace: 'return scope !== null;',
		tests: [ALERTS]
	},
	{
		id: 'alert-list-scope',
		what: "alerts:list answering alerts outside the socket's scope",
		file: 'src/lib/server/alerts/store.ts',
		find: "const where = scopeSql(scope, 'a', params);",
		replace: "const where = '1 = 1';",
		tests: [ALERTS]
	},
	{
		id: 'alert-ack-scope',
		what: "an acknowledgement of an alert outside the person's scope",
		file: 'src/lib/server/realtime/alerts.ts',
		find: 'if (!canSee(scope, alert)) return refuse(socket, true);',
		replace: '',
		tests: [ALERTS]
	},
	{
		id: 'alert-ack-wall',
		what: 'a wall display acknowledging an alert',
		file: 'src/lib/server/realtime/alerts.ts',
		find: "if (viewer.kind !== 'user') return { ok: false, error: 'A wall display cannot acknowledge' };",
		replace: '',
		tests: [ALERTS]
	},
	{
		id: 'alert-wall-acknowledger',
		what: 'wall displays told who acknowledged an alert',
		file: 'src/lib/server/alerts/record.ts',
		find: 'acknowledgedBy: forWall ? null : alert.acknowledgedByName',
		replace: 'acknowledgedBy: alert.acknowledgedByName',
		tests: [ALERTS]
	},
	{
		id: 'alert-rules-tenant',
		what: "a tenant admin's rule form acting on the tenant the form names",
		file: 'src/routes/admin/alerts/+page.server.ts',
		find: ': managedTenant(manager, locals.lookups, values.tenantId ?? 0)?.id;',
		replace: ': values.tenantId;',
		tests: [ALERTS]
	},
	{
		id: 'alert-rules-queue',
		what: "a rule on another tenant's queue",
		file: 'src/routes/admin/alerts/+page.server.ts',
		find: 'if (queueId !== null && locals.lookups.queues.get(queueId)?.tenantId !== tenantId) {',
		replace: 'if (false) {',
		tests: [ALERTS]
	},
	{
		id: 'alert-rule-delete-tenant',
		what: "deleting a rule of another tenant (the store's tenant binding)",
		file: 'src/lib/server/alerts/rules-store.ts',
		find: "'DELETE FROM alert_rules WHERE tenant_id = ? AND id = ?'",
		replace: "'DELETE FROM alert_rules WHERE ? > 0 AND id = ?'",
		tests: [ALERTS]
	},
	{
		id: 'alert-history-tenant',
		what: "another tenant's alerts in the history and its CSV",
		file: 'src/lib/server/alerts/history.ts',
		find: "const where = ['tenant_id = ?', 'fired_at >= ?'];",
		replace: "const where = ['? > 0', 'fired_at >= ?'];",
		tests: [ALERTS]
	},
	{
		id: 'alert-fence',
		what: "a stalled old leader's alert write after a newer leader's claim",
		file: 'src/lib/server/alerts/fence.ts',
		find: 'if (row?.claim !== claim) throw new FencedError();',
		replace: '',
		tests: ['tests/integration/alert-fence.test.ts', 'tests/integration/alert-channels.test.ts']
	},
	// Issue 23, alert channels: webhooks and emails go to the alert's tenant only, and an admin's
	// channel settings and delivery log are its own tenant's.
	...alertChannelMutants(),
	// Issue 24: the picture of a date range (src/lib/server/insight).
	{
		id: 'insight-scope',
		what: "the viewer's scope in the range picture's WHERE (every figure, chart and table)",
		file: 'src/lib/server/insight/queries.ts',
		find: 'const where = historyWhere(request.scope, request.filters, request.range, deps.lookups);',
		replace:
			"const where = historyWhere({ tenantId: request.scope.tenantId, queues: 'all' }, request.filters, request.range, deps.lookups);",
		tests: ['tests/integration/insight.test.ts', 'tests/integration/rollups.test.ts']
	},
	{
		id: 'insight-queue-names',
		what: "the range picture's queue table lists the scope's queues only",
		file: 'src/lib/server/insight/index.ts',
		find: 'const queues = visibleQueues(scope, deps.lookups).filter(',
		replace: 'const queues = [...deps.lookups.queues.values()].filter(',
		tests: ['tests/integration/insight.test.ts']
	},
	// Replay of a past moment (issue 25): /api/replay's day of rows.
	{
		id: 'replay-closed-scope',
		what: "scopeSql on a replayed day's closed rows (tenant only)",
		file: 'src/lib/server/replay/day.ts',
		find: "const closedScope = scopeSql(scope, 'c', closedParams);",
		replace: "closedParams.push(scope.tenantId);\n\tconst closedScope = 'c.tenant_id = ?';",
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-active-scope',
		what: "scopeSql on a replayed day's rows in progress (tenant only)",
		file: 'src/lib/server/replay/day.ts',
		find: "const activeScope = scopeSql(scope, 'c', activeParams);",
		replace: "activeParams.push(scope.tenantId);\n\tconst activeScope = 'c.tenant_id = ?';",
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-wall-fields',
		what: "a wall's replayed day sent with whole rows (caller numbers, CRM ids)",
		file: 'src/routes/api/replay/+server.ts',
		find: 'loaded.rows.map((row) => viewRow(row, request.view));',
		replace: 'loaded.rows.map((row) => row);',
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-queues-narrowed',
		what: "a replay's ?queues= checked against the scope (refused outside it)",
		file: 'src/lib/server/replay/request.ts',
		find: 'queueIds: options.queueIds ?? undefined,',
		replace: 'queueIds: undefined,',
		tests: ['tests/security/replay.test.ts']
	},
	// Issue 26 (admin): a session's remembered tenant opens a page only among the tenants the
	// account may open now (a platform admin demoted keeps its session and its last pick).
	{
		id: 'chosen-tenant-visible',
		what: "a session's last-picked tenant used without checking the account may still open it",
		file: 'src/lib/server/scope/resolve.ts',
		find: 'return tenants.find((tenant) => tenant.id === chosen) ?? tenants[0] ?? null;',
		replace: 'return directory.tenants.get(chosen ?? 0) ?? tenants[0] ?? null;',
		tests: ['tests/unit/resolve-scope.test.ts', 'tests/browser/platform-admin.test.ts']
	},
	// Replay (issue 25, this wave): the day's alert breaches, marks on the slider.
	{
		id: 'replay-breaches-scope',
		what: "scopeSql on a replayed day's alert breaches (tenant only)",
		file: 'src/lib/server/alerts/store.ts',
		find: "const inScope = scopeSql(scope, 'a', params);",
		replace: "params.push(scope.tenantId);\n\t\tconst inScope = 'a.tenant_id = ?';",
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-breaches-wall-fields',
		what: "a wall's replayed breaches sent with a person's fields (who acknowledged)",
		file: 'src/lib/server/replay/breaches.ts',
		find: 'alertView(alert, queueName(alert.queueId), forWall)',
		replace: 'alertView(alert, queueName(alert.queueId), false)',
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-breaches-channel',
		what: "a wall's replayed breaches include rules that do not alert walls",
		file: 'src/lib/server/replay/breaches.ts',
		find: ".filter((alert) => alert.channels.includes(forWall ? 'walls' : 'screens'))",
		replace: '.filter(() => true)',
		tests: ['tests/security/replay.test.ts']
	},
	// Issue 26 (history): the full text of a chat, SMS or WhatsApp conversation.
	{
		id: 'conversation-scope',
		what: 'scopeSql in the conversation lookup (any id of any tenant or queue reads)',
		file: 'src/lib/server/history/conversation.ts',
		find: "const inScope = scopeSql(scope, 'c', params);",
		replace: "const inScope = '1 = 1';",
		tests: ['tests/integration/conversations.test.ts']
	},
	// Issue 24, the range rollups (src/lib/server/insight/from-rollups.ts): one WHERE for the day,
	// slot and agent rollups, scope first. A supervisor's picture from rollups holding every queue
	// differs from its picture from the rows (rollups.test.ts) and from the SQL oracle (insight.test.ts).
	{
		id: 'insight-rollups-scope',
		what: "the viewer's scope over the range rollups (a supervisor's figures and agents from its queues only)",
		file: 'src/lib/server/insight/from-rollups.ts',
		find: "const where = [scopeSql(scope, 'r', params)];",
		replace: "const where = [scopeSql({ tenantId: scope.tenantId, queues: 'all' }, 'r', params)];",
		tests: ['tests/integration/rollups.test.ts', 'tests/integration/insight.test.ts']
	},
	// Issue 26, item 9: history's name orders rank names from the lookup caches, the viewer's
	// tenant's only; with every tenant's, a page's cursor could carry another tenant's spelling.
	{
		id: 'history-name-rank-tenant',
		what: "another tenant's names in the rank of a Queue, Agent or Disposition order (and its cursors)",
		file: 'src/lib/server/history/sort.ts',
		find: '[...map.values()].filter((e) => e.tenantId === tenantId);',
		replace: '[...map.values()].filter(() => tenantId > 0);',
		tests: ['tests/unit/history-rank.test.ts', 'tests/integration/history-name-order.test.ts']
	},
	// Replay (issue 25): a day that is over is cached by the whole request that made it.
	{
		id: 'replay-cache-scope',
		what: "a cached replayed day keyed without the scope's queues (a supervisor gets the admin's day)",
		file: 'src/lib/server/replay/cache.ts',
		find: 'return JSON.stringify([key.scope.tenantId, queues, key.view, key.date]);',
		replace: 'return JSON.stringify([key.scope.tenantId, key.view, key.date]);',
		tests: ['tests/security/replay.test.ts']
	},
	{
		id: 'replay-cache-view',
		what: "a cached replayed day keyed without the view (a wall token gets a person's fields)",
		file: 'src/lib/server/replay/cache.ts',
		find: 'return JSON.stringify([key.scope.tenantId, queues, key.view, key.date]);',
		replace: 'return JSON.stringify([key.scope.tenantId, queues, key.date]);',
		tests: ['tests/security/replay.test.ts']
	},
	// Issue 26, the wall's day sums (src/lib/server/live/day-sums.ts): the closed rows summed per
	// queue for the queues of the socket's scope only, and the rows in progress in its view.
	{
		id: 'wall-day-sums-scope',
		what: "a wall's day sums for every queue it asks for (an empty tile of a queue outside its scope)",
		file: 'src/lib/server/live/day-sums.ts',
		find: 'const goals = request.serviceLevelSeconds.filter(([queueId]) => canSeeQueue(scope, queueId));',
		replace: 'const goals = request.serviceLevelSeconds;',
		tests: ['tests/unit/day-sums.test.ts', 'tests/integration/wall-day-sums.test.ts']
	},
	{
		id: 'wall-day-sums-fields',
		what: "a day-sums snapshot's rows in progress sent whole (numbers, CRM ids) to a wall",
		file: 'src/lib/server/live/day-sums.ts',
		find: 'else held.push(viewRow(row, view));',
		replace: 'else held.push(row);',
		tests: ['tests/unit/day-sums.test.ts']
	},
	// Issue 26 (grid): the live grid's first screenful, in the page itself.
	{
		id: 'first-screen-scope',
		what: "canSee on the live grid's first screenful in the page (a supervisor's page holds every queue's newest rows)",
		file: 'src/lib/server/live/first-screen.ts',
		find: 'const inScope = (row: Interaction) => canSee(scope, row);',
		replace: 'const inScope = (row: Interaction) => row.tenantId > 0;',
		tests: ['tests/browser/grid-first-screen.test.ts']
	}
];

function alertChannelMutants(): Mutant[] {
	const ENQUEUE = 'src/lib/server/alerts/channels/enqueue.ts';
	const SETTINGS = 'src/lib/server/alerts/channels/settings.ts';
	const TESTS = ['tests/integration/alert-channels.test.ts'];
	const mutant = (id: string, what: string, file: string, find: string, replace: string) => ({
		id,
		what,
		file,
		find,
		replace,
		tests: TESTS
	});
	return [
		mutant(
			'alert-webhooks-tenant',
			"an alert queued for another tenant's webhooks",
			ENQUEUE,
			'WHERE tenant_id = ? AND enabled = 1',
			'WHERE ? > 0 AND enabled = 1'
		),
		mutant(
			'alert-email-tenant',
			"an alert emailed to another tenant's recipients",
			ENQUEUE,
			"SELECT tenant_id, 'email', address, address FROM alert_email_recipients\n\t\t\tWHERE tenant_id = ?",
			"SELECT tenant_id, 'email', address, address FROM alert_email_recipients\n\t\t\tWHERE ? > 0"
		),
		mutant(
			'alert-webhooks-list-tenant',
			"another tenant's webhooks listed on the admin page",
			SETTINGS,
			'FROM alert_webhooks WHERE tenant_id = ? ORDER BY id',
			'FROM alert_webhooks WHERE ? > 0 ORDER BY id'
		),
		mutant(
			'alert-webhooks-enable-tenant',
			"another tenant's webhook disabled",
			SETTINGS,
			'SET enabled = ? WHERE id = ? AND tenant_id = ?',
			'SET enabled = ? WHERE id = ? AND ? > 0'
		),
		mutant(
			'alert-webhooks-delete-tenant',
			"another tenant's webhook deleted",
			SETTINGS,
			'DELETE FROM alert_webhooks WHERE id = ? AND tenant_id = ?',
			'DELETE FROM alert_webhooks WHERE id = ? AND ? > 0'
		),
		mutant(
			'alert-recipients-list-tenant',
			"another tenant's alert email addresses listed",
			SETTINGS,
			'FROM alert_email_recipients WHERE tenant_id = ? ORDER BY address',
			'FROM alert_email_recipients WHERE ? > 0 ORDER BY address'
		),
		mutant(
			'alert-recipients-remove-tenant',
			"another tenant's alert email address removed",
			SETTINGS,
			'DELETE FROM alert_email_recipients WHERE tenant_id = ? AND address = ?',
			'DELETE FROM alert_email_recipients WHERE ? > 0 AND address = ?'
		),
		mutant(
			'alert-delivery-log-tenant',
			"another tenant's deliveries in the delivery log",
			SETTINGS,
			'FROM alert_deliveries WHERE tenant_id = ? ORDER BY created_at DESC',
			'FROM alert_deliveries WHERE ? > 0 ORDER BY created_at DESC'
		)
	];
}
