import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** The processes `npm start` (scripts/start.ts) runs: the app (build/index.js) and PostgREST. */
function childrenOf(starter: ChildProcess): { app: number; postgrest: number | undefined } {
	const children = readFileSync(`/proc/${starter.pid}/task/${starter.pid}/children`, 'utf8')
		.trim()
		.split(/\s+/)
		.map(Number)
		.filter(Boolean);
	const named = (name: string) =>
		children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name));
	const app = named('build/index.js');
	if (!app) throw new Error('the app process was not found');
	return { app, postgrest: named('postgrest') };
}

/**
 * Builds the site, then starts it as `npm start` does (the app and PostgREST) on a
 * throwaway local stack, or on the Postgres at `databaseUrl` (PostgreSQL 15 in CI).
 * `pid` is the app's process, for memory and CPU figures.
 */
export async function startSiteOnStack(
	databaseUrl: string | undefined,
	env: Record<string, string> = {}
) {
	buildSite();
	const port = await freePort();
	const dbPort = await freePort();
	const child = spawn(process.execPath, ['scripts/start.ts'], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			LOCAL_DB: 'memory',
			...(databaseUrl ? { DATABASE_URL: databaseUrl } : { LOCAL_DB_PORT: String(dbPort) }),
			LOCAL_SUPABASE_PORT: '0',
			LOCAL_POSTGREST_PORT: '0',
			LOCAL_POSTGREST_ADMIN_PORT: '0',
			LOG_LEVEL: 'warn',
			...env
		}
	});
	const url = `http://127.0.0.1:${port}`;
	const stop = () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
		});
	try {
		const deadline = Date.now() + 90_000;
		while (
			!(await fetch(`${url}/api/health`)
				.then((res) => res.ok)
				.catch(() => false))
		) {
			if (child.exitCode !== null) throw new Error('the site stopped while starting');
			if (Date.now() > deadline) throw new Error('the site did not start in 90 s');
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		return {
			url,
			dbUrl: databaseUrl ?? `postgres://postgres@127.0.0.1:${dbPort}/postgres`,
			...(() => {
				const { app, postgrest } = childrenOf(child);
				return { pid: app, processes: { app, postgrest, stack: child.pid! } };
			})(),
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The p-th percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
