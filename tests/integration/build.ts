import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/local-stack/index.ts';

function newestChange(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.name === 'paraglide' || entry.name === 'node_modules') continue;
		const file = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
	}
	return newest;
}

/**
 * Tests that run the built site as a separate process (the email worker) need a
 * build of the code under test: this builds when there is none or the sources
 * changed since.
 */
export function ensureBuild(): void {
	const built = path.join(ROOT, 'build/handler.js');
	const sources = Math.max(
		newestChange(path.join(ROOT, 'src')),
		newestChange(path.join(ROOT, 'messages')),
		statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs
	);
	if (existsSync(built) && statSync(built).mtimeMs > sources) return;
	const result = spawnSync(
		process.execPath,
		['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
		{
			cwd: ROOT,
			stdio: 'inherit',
			env: Object.fromEntries(
				Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST'))
			)
		}
	);
	if (result.status !== 0) throw new Error('vite build failed');
}
