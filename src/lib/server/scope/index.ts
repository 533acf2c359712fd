/**
 * The one place that decides what a viewer may see. Socket rooms, snapshots, replays, history,
 * filter options, window titles, recordings, transcriptions, exports, the wall and the admin
 * pages all ask here:
 * - viewer.ts: who is looking;
 * - rules.ts: the scope of a viewer, and what of a row, a change or a table it admits;
 * - resolve.ts: which tenant and queues one request gets;
 * - directory.ts: which names (queues, agents, contacts) a scope may list;
 * - fields.ts: which fields of a row a viewer is sent (walls: only what the board renders).
 * The HTTP face (404 for refusals, audited) is scope/http.ts.
 */
export * from './viewer';
export * from './rules';
export * from './resolve';
export * from './directory';
export * from './fields';
