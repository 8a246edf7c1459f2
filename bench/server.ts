import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/local-stack/ports.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the site for production, as `npm run build` does. */
export function buildSite() {
	console.log('building…');
	const build = spawnSync(
		process.execPath,
		['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
		{ cwd: ROOT, stdio: 'inherit' }
	);
	if (build.status !== 0) throw new Error('vite build failed');
}

/** Builds the site, then starts it as `npm start` does, on a throwaway local stack. */
export async function startBuiltSite(env: Record<string, string> = {}) {
	buildSite();
	const port = await freePort();
	const child = spawn(process.execPath, ['scripts/start.ts'], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			LOCAL_DB: 'memory',
			LOCAL_SUPABASE_PORT: '0',
			LOCAL_DB_PORT: '0',
			LOCAL_POSTGREST_PORT: '0',
			LOCAL_POSTGREST_ADMIN_PORT: '0',
			LOG_LEVEL: 'warn',
			...env
		}
	});
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	while (
		!(await fetch(url)
			.then((res) => res.ok)
			.catch(() => false))
	) {
		if (child.exitCode !== null) throw new Error('the site stopped while starting');
		if (Date.now() > deadline) throw new Error('the site did not start in 60 s');
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return {
		url,
		stop: () =>
			new Promise<void>((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}
