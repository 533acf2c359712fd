# Sourced by scripts/test.sh and scripts/demo.sh: installs npm dependencies when package-lock.json
# is newer than what node_modules holds.
ensure_npm_deps() {
	if [ -L node_modules ]; then
		# A node_modules shared with another checkout (a git worktree): npm ci would empty the
		# target for everyone using it, and file dates say nothing about it. Use it as it is.
		return 0
	fi
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "▸ Installing npm dependencies (npm ci)"
		npm ci --no-audit --no-fund --loglevel=error
	fi
}
