#!/usr/bin/env bash
# npm test: the whole suite on a clean machine. Installs what is missing (Debian packages as
# root, npm dependencies), then type checks, lints, runs unit and integration tests against a
# throw-away MariaDB with binlog, and browser tests in Debian's Chromium. Services are started
# on free loopback ports and stopped afterwards; the closing summary checks that they were, also
# after a failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/npm-deps.sh
ensure_npm_deps
echo "▸ system packages"
npx tsx scripts/ensure-system.ts

# Everything the run starts inherits IL_RUN_DIR and keeps its files below it: that is how the
# summary tells this run's leftovers from other processes on the machine.
run=$(mktemp -d -t il-test-XXXXXX)
export IL_RUN_DIR="$run"
results="$run/results"
mkdir "$results"
finish() {
	local status=$?
	trap - EXIT
	npx tsx scripts/test-summary.ts --run-dir "$run" --status "$status" \
		"$results/vitest.json" "$results/playwright.json" || status=$?
	rm -rf "$run"
	exit "$status"
}
trap finish EXIT

echo "▸ type check"
npm run --silent check
echo "▸ lint"
npm run --silent lint

echo "▸ build (integration and browser tests run the production server)"
npm run --silent build

echo "▸ unit + integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"

echo "▸ browser tests (playwright, Debian chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npx playwright test --reporter=list,json
# The summary runs from the EXIT trap (finish, above).
