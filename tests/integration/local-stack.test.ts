import { mkdtemp, rm, writeFile, mkdir, copyFile, readdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, startStack, type Stack } from '../../scripts/local-stack/index.ts';
import { MigrationError } from '../../scripts/local-stack/migrate.ts';
import { PortInUseError } from '../../scripts/local-stack/ports.ts';

const FREE = { gateway: 0, db: 0, postgrest: 0, postgrestAdmin: 0 };
const started: Stack[] = [];
const temp: string[] = [];

async function tempDir() {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'champions-stack-'));
	temp.push(dir);
	return dir;
}

async function start(options: Parameters<typeof startStack>[0]) {
	const stack = await startStack(options);
	started.push(stack);
	return stack;
}

afterEach(async () => {
	for (const stack of started.splice(0)) await stack.stop();
	for (const dir of temp.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function insertSupporter(stack: Stack, email: string) {
	const response = await fetch(`${stack.supabaseUrl}/rest/v1/supporters`, {
		method: 'POST',
		headers: { apikey: stack.serviceRoleKey, 'content-type': 'application/json' },
		body: JSON.stringify({ email })
	});
	expect(response.status).toBe(201);
}

async function countSupporters(stack: Stack) {
	const response = await fetch(`${stack.supabaseUrl}/rest/v1/supporters?select=email`, {
		headers: { apikey: stack.serviceRoleKey }
	});
	return ((await response.json()) as unknown[]).length;
}

describe('the local stack', () => {
	it('keeps its data and keys across restarts, and runs each migration once', async () => {
		const data = path.join(await tempDir(), 'pgdata');
		const first = await start({ data, ports: FREE });
		expect(first.applied.length).toBeGreaterThan(0);
		expect(first.seeded).toBe(true);
		await insertSupporter(first, 'kept@example.org');
		await first.stop();
		started.pop();

		const second = await start({ data, ports: FREE });
		expect(second.applied).toEqual([]);
		expect(second.seeded).toBe(false);
		expect(second.serviceRoleKey).toBe(first.serviceRoleKey);
		expect(await countSupporters(second)).toBe(1);
	});

	it('names the migration that failed and the database error', async () => {
		const dir = await tempDir();
		const migrations = path.join(dir, 'migrations');
		await mkdir(migrations);
		for (const file of await readdir(path.join(ROOT, 'supabase/migrations'))) {
			await copyFile(path.join(ROOT, 'supabase/migrations', file), path.join(migrations, file));
		}
		await writeFile(
			path.join(migrations, '29990101000000_broken.sql'),
			'create table oops (id intt);'
		);

		const error = await startStack({
			data: 'memory',
			ports: FREE,
			migrationsDir: migrations
		}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(MigrationError);
		expect((error as Error).message).toMatch(
			/29990101000000_broken\.sql failed: type "intt" does not exist/
		);
	});

	it('says which port is taken instead of failing with a stack trace', async () => {
		const blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const { port } = blocker.address() as net.AddressInfo;
		try {
			const error = await startStack({ data: 'memory', ports: { ...FREE, gateway: port } }).catch(
				(caught: unknown) => caught
			);
			expect(error).toBeInstanceOf(PortInUseError);
			expect((error as Error).message).toContain(
				`Port ${port} (local Supabase API) is already in use`
			);
			expect((error as Error).message).toContain('LOCAL_SUPABASE_PORT');
		} finally {
			blocker.close();
		}
	});
});
