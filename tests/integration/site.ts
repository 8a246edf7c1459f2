import { spawn } from 'node:child_process';
import { inject } from 'vitest';
import { ROOT } from '../../scripts/local-stack/index.ts';
import { freePort } from '../../scripts/local-stack/ports.ts';
import { ensureBuild } from './build.ts';

/**
 * The built site (adapter-node), on the integration run's stack, as a separate
 * process with the settings given: for endpoints that outside services call.
 */
export async function startSite(settings: Record<string, string> = {}) {
	ensureBuild();
	const stack = inject('stack');
	const port = await freePort();
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!name.startsWith('VITEST') && name !== 'NODE_ENV' && !name.startsWith('RESEND_'))
			env[name] = value;
	}
	const child = spawn(process.execPath, ['build/index.js'], {
		cwd: ROOT,
		env: {
			...env,
			PORT: String(port),
			HOST: '127.0.0.1',
			SUPABASE_URL: stack.supabaseUrl,
			SUPABASE_ANON_KEY: stack.anonKey,
			SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
			LOG_LEVEL: 'warn',
			SITE_URL: `http://127.0.0.1:${port}`,
			...settings
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 30_000;
	while (
		!(await fetch(`${url}/api/health`)
			.then((res) => res.ok)
			.catch(() => false))
	) {
		if (child.exitCode !== null || Date.now() > deadline) {
			throw new Error(`the site did not start:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		url,
		output: () => output,
		stop: () =>
			new Promise<void>((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}
