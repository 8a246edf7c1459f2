import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ROOT } from './local-stack/index.ts';
import { StackError } from './local-stack/errors.ts';
import { supabaseForApp } from './stack-env.ts';

/**
 * Runs the app (`vite dev` or the built server) on the Supabase it should use,
 * starting the local stack when none is configured. Ctrl-C stops the app and
 * everything started here; nothing is left running.
 */
export async function runApp(options: {
	name: string;
	command: string;
	args: string[];
	data: string | 'memory';
	env?: Record<string, string>;
}): Promise<void> {
	loadDotEnv();
	const say = (line: string) => console.log(`[${options.name}] ${line}`);

	let started: Awaited<ReturnType<typeof supabaseForApp>>;
	try {
		started = await supabaseForApp({ data: options.data, log: say });
	} catch (error) {
		fail(error);
	}
	if (started.stack) {
		say(`Local Supabase: ${started.stack.supabaseUrl}  (database: ${started.stack.dbUrl})`);
		say('Keys and URLs: `npm run db:status`');
	}

	const child = spawn(options.command, options.args, {
		cwd: ROOT,
		stdio: 'inherit',
		env: { ...process.env, ...options.env, ...started.env }
	});

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		}
		await started.stack?.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	process.on('SIGHUP', () => void stop(0));
	child.on('exit', (code) => void stop(code ?? 0));
}

/** Settings in .env count as if they were in the environment (the environment wins). */
function loadDotEnv() {
	const file = path.join(ROOT, '.env');
	if (!existsSync(file)) return;
	for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
		if (process.env[name] === undefined) process.env[name] = value;
	}
}

/** Known failures get their message and no stack trace. */
export function fail(error: unknown): never {
	console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}\n`);
	if (!(error instanceof StackError) && error instanceof Error && error.stack)
		console.error(error.stack);
	process.exit(1);
}
