/** A one-line progress bar on stderr, redrawn in place (plain lines when not a terminal). */
export function progressBar(label: string, width = 30) {
	const tty = process.stderr.isTTY;
	let lastPrinted = 0;
	return {
		update(done: number, total: number, suffix = '') {
			const ratio = total > 0 ? Math.min(1, done / total) : 1;
			const filled = Math.round(ratio * width);
			const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
			const line = `  ${label} [${bar}] ${Math.floor(ratio * 100)}% ${suffix}`;
			if (tty) {
				process.stderr.write(`\r${line}\x1b[K`);
			} else if (Date.now() - lastPrinted > 2000 || ratio === 1) {
				lastPrinted = Date.now();
				process.stderr.write(line + '\n');
			}
		},
		done() {
			if (tty) process.stderr.write('\n');
		}
	};
}
