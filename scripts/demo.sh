#!/usr/bin/env bash
# npm run demo: everything from a fresh clone to a live dashboard in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "Node.js 20 or newer is required (found $(node --version))." >&2
	exit 1
fi
source scripts/lib/npm-deps.sh
ensure_npm_deps
exec npx tsx scripts/demo.ts "$@"
