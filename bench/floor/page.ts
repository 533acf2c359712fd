/**
 * The floor's page: the rows changes bring in a plain table (fixed layout, so a new row does not
 * re-measure every column), newest first, each change written into its row as it arrives. It
 * keeps the newest screenful: the product renders the rows in view and no more, and a table
 * growing by thousands of rows would measure the DOM's size, not the pipeline. A change to a
 * row no longer kept is not shown, as the product does not paint rows out of view. The probe (bench/lib/browser.ts) watches it as it watches the grid:
 * the same test ids, `data-id` and `data-status` on each row.
 */
export const FLOOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Browser floor</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }
</style>
</head>
<body>
<p data-testid="connection-status">Connecting</p>
<table data-testid="interactions-grid">
<thead><tr><th>Id</th><th>Status</th><th>Channel</th><th>Queue</th><th>Agent</th><th>Client</th></tr></thead>
<tbody></tbody>
</table>
<script src="/socket.io/socket.io.min.js"></script>
<script>
const tbody = document.querySelector('tbody');
const rows = new Map();
const FIELDS = ['id', 'status', 'channel', 'queueId', 'agentId', 'phone'];
const KEPT = 50;
const seen = new Set();
function show(row) {
	let tr = rows.get(row.id);
	const added = !tr;
	if (added && seen.has(row.id)) return;
	if (added) {
		seen.add(row.id);
		tr = document.createElement('tr');
		for (const _ of FIELDS) tr.appendChild(document.createElement('td'));
		tr.dataset.id = row.id;
		rows.set(row.id, tr);
	}
	tr.dataset.status = row.status;
	FIELDS.forEach((field, i) => (tr.children[i].textContent = row[field] ?? ''));
	if (added) {
		tbody.prepend(tr);
		if (tbody.rows.length > KEPT) {
			const last = tbody.lastElementChild;
			rows.delete(last.dataset.id);
			last.remove();
		}
	}
}
const socket = io({ transports: ['websocket'] });
const status = document.querySelector('[data-testid="connection-status"]');
socket.on('connect', () => (status.textContent = 'Live'));
socket.on('disconnect', () => (status.textContent = 'Reconnecting'));
socket.on('live:changes', ({ changes }) => {
	for (const change of changes) show(change.row);
});
</script>
</body>
</html>
`;
