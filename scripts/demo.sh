#!/usr/bin/env bash
# npm run demo: everything from a fresh clone to a live dashboard in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "Node.js 20 or newer is required (found $(node --version))." >&2
	exit 1
fi
if [ -L node_modules ]; then
	# A node_modules shared with another checkout (a git worktree): npm ci would empty the
	# target for everyone using it, and file dates say nothing about it. Use it as it is.
	:
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "▸ Installing npm dependencies"
	npm ci --no-audit --no-fund --loglevel=error
fi
exec npx tsx scripts/demo.ts "$@"
