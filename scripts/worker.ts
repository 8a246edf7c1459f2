// `npm run worker`: sends the email outbox, beside `npm start`.
//
// It runs the built site's own cron endpoint (POST /api/cron/email) in this
// process, on a private loopback port, again and again: one code path for
// workers and for a serverless host's scheduler. Any number of workers may run.
//
//   npm run worker                 keep sending until stopped (Ctrl-C / SIGTERM)
//   npm run worker -- --until-idle stop when nothing is due
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { StackError } from './local-stack/errors.ts';
import { ROOT, stateFileFor, type StackState } from './local-stack/index.ts';
import { fail } from './run-app.ts';
import type { DrainStats } from '../src/lib/server/email/worker.ts';
import { DEV_DATA_DIR } from './stack-env.ts';

const untilIdle = process.argv.includes('--until-idle');
const POLL_MS = Number(process.env.WORKER_POLL_MS ?? 1000);
const CALL_BUDGET_MS = 10_000;

function loadSettings() {
	const dotenv = path.join(ROOT, '.env');
	if (existsSync(dotenv)) {
		for (const [name, value] of Object.entries(parseEnv(readFileSync(dotenv, 'utf8')))) {
			process.env[name] ??= value;
		}
	}
	if (!process.env.SUPABASE_URL) {
		// Beside `npm start` / `npm run dev` on the local stack: use the stack they started.
		const stateFile = stateFileFor(DEV_DATA_DIR);
		if (!existsSync(stateFile)) {
			throw new StackError(
				'SUPABASE_URL is not set and no local stack is running. Start the site first ' +
					'(`npm start` or `npm run dev`), or set SUPABASE_URL and its keys.'
			);
		}
		const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
		process.env.SUPABASE_URL = state.SUPABASE_URL;
		process.env.SUPABASE_ANON_KEY = state.SUPABASE_ANON_KEY;
		process.env.SUPABASE_SERVICE_ROLE_KEY = state.SUPABASE_SERVICE_ROLE_KEY;
	}
	if (!process.env.RESEND_API_KEY) {
		throw new StackError(
			'RESEND_API_KEY is not set, so nothing is sent: read the outbox at /dev/mail instead.'
		);
	}
	// The endpoint is reached only through this process's private port; without a
	// configured secret, one is made up for this run.
	process.env.CRON_SECRET ||= randomBytes(24).toString('base64url');
	process.env.LOG_LEVEL ||= 'info';
}

async function main() {
	try {
		loadSettings();
	} catch (error) {
		fail(error);
	}
	const handlerFile = path.join(ROOT, 'build/handler.js');
	if (!existsSync(handlerFile))
		fail(new StackError('There is no build yet: run `npm run build` first.'));
	const { handler } = (await import(pathToFileURL(handlerFile).href)) as {
		handler: http.RequestListener;
	};
	const server = http.createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const endpoint = `http://127.0.0.1:${port}/api/cron/email?budget_ms=${CALL_BUDGET_MS}`;

	let stopping = false;
	const stop = () => {
		stopping = true;
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const total = { sent: 0, retried: 0, failed: 0, suppressed: 0 };
	while (!stopping) {
		const response = await fetch(endpoint, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${process.env.CRON_SECRET}`,
				'content-type': 'application/json'
			}
		});
		if (!response.ok) {
			console.error(`worker: the send endpoint answered ${response.status}; trying again shortly`);
			await sleep(POLL_MS * 5);
			continue;
		}
		const stats = (await response.json()) as DrainStats;
		total.sent += stats.sent;
		total.retried += stats.retried;
		total.failed += stats.failed;
		total.suppressed += stats.suppressed;
		if (stats.batches > 0 || stats.suppressed > 0) {
			console.log(
				`worker: ${stats.batches} batches: sent ${stats.sent}, retried ${stats.retried}, ` +
					`suppressed ${stats.suppressed}, failed ${stats.failed}`
			);
		}
		if (stats.stopped === 'paused') {
			console.log(`worker: sending is paused until ${stats.pausedUntil} (quota); waiting`);
			if (untilIdle) break;
			await sleep(60_000);
		} else if (stats.stopped === 'idle') {
			// --until-idle waits out batches that a stopped worker still holds.
			if (untilIdle && !stats.outstanding) break;
			await sleep(POLL_MS);
		}
	}
	console.log(
		`worker: done: sent ${total.sent}, retried ${total.retried}, suppressed ${total.suppressed}, failed ${total.failed}`
	);
	server.close();
	process.exit(0);
}

function sleep(ms: number) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
