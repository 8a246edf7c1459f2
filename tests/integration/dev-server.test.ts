import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT } from '../../scripts/local-stack/index.ts';
import { freePort } from '../../scripts/local-stack/ports.ts';

const temp: string[] = [];
afterEach(async () => {
	for (const dir of temp.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Every process below `pid`, children first. */
function descendants(pid: number): number[] {
	let children: number[];
	try {
		children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
			.split('\n')
			.map((line) => Number(line.trim()))
			.filter(Boolean);
	} catch {
		return []; // ps exits 1 when there are none
	}
	return children.flatMap((child) => [child, ...descendants(child)]);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The environment a developer's shell would have: without the test runner's markers. */
function developerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!name.startsWith('VITEST') && name !== 'NODE_ENV' && !name.startsWith('SUPABASE_')) {
			env[name] = value;
		}
	}
	return { ...env, ...extra };
}

it(
	'`npm run dev` serves the home page on the local stack, and Ctrl-C leaves no process behind',
	{ timeout: 120_000 },
	async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'champions-dev-'));
		temp.push(dir);
		const port = await freePort();
		const child = spawn(
			process.execPath,
			['scripts/dev.ts', '--port', String(port), '--strictPort'],
			{
				cwd: ROOT,
				env: developerEnv({
					LOCAL_DATA_DIR: path.join(dir, 'pgdata'),
					LOCAL_SUPABASE_PORT: '0',
					LOCAL_DB_PORT: '0',
					LOCAL_POSTGREST_PORT: '0',
					LOCAL_POSTGREST_ADMIN_PORT: '0'
				}),
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

		const deadline = Date.now() + 90_000;
		let body = '';
		while (Date.now() < deadline && child.exitCode === null) {
			const response = await fetch(`http://localhost:${port}/`).catch(() => undefined);
			if (response?.ok) {
				body = await response.text();
				break;
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		expect(body, output).toContain('When laws are enforced, the violence stops.');
		expect(output).toMatch(/Local Supabase: http:\/\/127\.0\.0\.1:\d+/);
		expect(existsSync(path.join(dir, 'stack.json'))).toBe(true);

		const started = descendants(child.pid!);
		expect(started.length, 'vite and PostgREST run as child processes').toBeGreaterThanOrEqual(2);

		child.kill('SIGINT');
		expect(await exited).toBe(0);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(started.filter(isAlive)).toEqual([]);
		expect(existsSync(path.join(dir, 'stack.json'))).toBe(false);
	}
);
