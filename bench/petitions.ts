import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import pg from 'pg';
import { freePort } from '../scripts/local-stack/ports.ts';
import { percentile, ROOT, startSiteOnStack } from './server.ts';

// `npm run bench -- petitions`, on the built site as `npm start` serves it:
//  1. signatures per second through the real form action (HTTP POSTs as a browser
//     without JavaScript sends them: a form token served over 3 s before, unique
//     addresses), with p50/p99 latency; then the table is checked: every signature
//     answered "signed" is there once (0 lost), and none twice (0 doubled).
//     Goals: >= 300/s with p99 < 100 ms on PostgreSQL 15, >= 100/s on PGlite.
//  2. 1,000 open server-sent-event connections to one instance (a second one,
//     whose calls to the database API pass through a counter): its memory (RSS),
//     the database calls per second it makes while holding them (one poll per 2 s,
//     whatever the number of viewers), and how fast a new count reaches them all.
// It runs on PGlite unless given a Postgres (as `npm run bench -- email`):
//   BENCH_DATABASE_URL=$(.ci/postgres.sh start 55433) npm run bench -- petitions; .ci/postgres.sh stop

const SLUG = 'protect-children-online';
const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 1000);
const HOLD_SECONDS = Number(process.env.BENCH_HOLD_SECONDS ?? 20);
const MIN_FILL_MS = 3000;

function rssMb(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
	} catch {
		return 0;
	}
}

/** CPU seconds a process has used so far (user + system). */
function cpuSeconds(pid: number | undefined): number {
	if (!pid) return 0;
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return 0;
	}
}

/** A form as the petition page serves it: its signed served-at token, waited for. */
async function servedToken(url: string): Promise<string> {
	const html = await (await fetch(`${url}/petitions/${SLUG}`)).text();
	const token = /name="started" value="([^"]+)"/.exec(html)?.[1];
	if (!token) throw new Error('the petition page has no form token');
	await new Promise((resolve) => setTimeout(resolve, MIN_FILL_MS + 200));
	return token;
}

interface Run {
	signed: string[];
	refused: number;
	latencies: number[];
	seconds: number;
}

/** `count` signatures, `CONNECTIONS` at a time, each a form POST answered 303 to a thank-you page. */
async function sign(url: string, token: string, count: number, tag: string): Promise<Run> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
	const signed: string[] = [];
	const latencies: number[] = [];
	let refused = 0;
	let next = 0;
	const post = (email: string) =>
		new Promise<number>((resolve, reject) => {
			const body = new URLSearchParams({
				first_name: 'Bench',
				last_name: 'Signer',
				email,
				postal_code: 'K1A 0B1',
				comment: '',
				started: token,
				website: '',
				ref: ''
			}).toString();
			const request = http.request(
				`${url}/petitions/${SLUG}`,
				{
					method: 'POST',
					agent,
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						'content-length': Buffer.byteLength(body),
						accept: 'text/html',
						origin: url
					}
				},
				(response) => {
					response.resume();
					response.on('end', () =>
						resolve(
							response.statusCode === 303 && /\/thanks\//.test(response.headers.location ?? '')
								? 303
								: (response.statusCode ?? 0)
						)
					);
				}
			);
			request.on('error', reject);
			request.end(body);
		});
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (next < count) {
				const email = `bench.${tag}.${next++}@example.org`;
				const sent = performance.now();
				const status = await post(email).catch(() => 0);
				latencies.push(performance.now() - sent);
				if (status === 303) signed.push(email);
				else refused += 1;
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return { signed, refused, latencies, seconds };
}

/** Every address answered "signed" has exactly one signature and one supporter; the count matches. */
async function checkTable(sql: pg.Client, emails: string[]) {
	const { rows } = await sql.query<{
		signature_count: number;
		rows: number;
		found: number;
		doubled_supporters: number;
		doubled_signatures: number;
	}>(
		`with sent as (select unnest($1::text[]) as email),
		 people as (select sent.email, s.id from sent left join supporters s on lower(s.email) = lower(sent.email)),
		 signed as (select people.email, count(ps.id) as n from people
			left join petition_signatures ps on ps.supporter_id = people.id
				and ps.petition_id = (select id from petitions where slug = $2)
			group by people.email)
		 select (select signature_count from petitions where slug = $2) as signature_count,
			(select count(*)::int from petition_signatures where petition_id = (select id from petitions where slug = $2)) as rows,
			(select count(*)::int from signed where n = 1) as found,
			(select count(*)::int from (select email from people group by email having count(id) > 1) d) as doubled_supporters,
			(select count(*)::int from signed where n > 1) as doubled_signatures`,
		[emails, SLUG]
	);
	const row = rows[0];
	return {
		count: row.signature_count,
		rows: row.rows,
		lost: emails.length - row.found - row.doubled_signatures,
		doubled: row.doubled_supporters + row.doubled_signatures
	};
}

/** The app's settings, as `npm start` gave them to it (its environment). */
function appEnv(pid: number): Record<string, string> {
	return Object.fromEntries(
		readFileSync(`/proc/${pid}/environ`, 'utf8')
			.split('\0')
			.filter(Boolean)
			.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
	);
}

/**
 * A second instance of the app, on the same database, whose calls to the
 * database API pass through a counter: each is one database transaction.
 */
async function countedInstance(first: { pid: number }) {
	const env = appEnv(first.pid);
	const target = new URL(env.SUPABASE_URL);
	let calls = 0;
	const proxy = http.createServer((request, response) => {
		calls += 1;
		const forward = http.request(
			{
				host: target.hostname,
				port: target.port,
				path: request.url,
				method: request.method,
				headers: request.headers
			},
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
			}
		);
		forward.on('error', () => response.destroy());
		request.pipe(forward);
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const port = await freePort();
	const child = spawn(process.execPath, ['build/index.js'], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: {
			...env,
			PORT: String(port),
			// Its own address, for the form check (as `npm start` sets it).
			SITE_URL: `http://127.0.0.1:${port}`,
			SUPABASE_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
		}
	});
	const url = `http://127.0.0.1:${port}`;
	while (
		!(await fetch(`${url}/api/health`)
			.then((res) => res.ok)
			.catch(() => false))
	) {
		if (child.exitCode !== null) throw new Error('the second instance stopped while starting');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		url,
		pid: child.pid!,
		calls: () => calls,
		stop: async () => {
			if (child.exitCode === null) {
				await new Promise<void>((resolve) => {
					child.once('exit', () => resolve());
					child.kill('SIGTERM');
				});
			}
			proxy.closeAllConnections();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		}
	};
}

/** Database calls per second the instance makes over `seconds`. */
async function callsPerSecond(instance: { calls(): number }, seconds: number): Promise<number> {
	const before = instance.calls();
	await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
	return (instance.calls() - before) / seconds;
}

interface Viewer {
	counts: number[];
	close(): void;
}

/** One reader with the petition open: a server-sent-event connection of its own. */
function openViewer(url: string): Promise<Viewer> {
	return new Promise((resolve, reject) => {
		const counts: number[] = [];
		const request = http.get(`${url}/api/petitions/${SLUG}/count`, { agent: false }, (response) => {
			if (response.statusCode !== 200)
				return reject(new Error(`SSE answered ${response.statusCode}`));
			response.setEncoding('utf8');
			let buffer = '';
			response.on('data', (chunk: string) => {
				buffer += chunk;
				let end: number;
				while ((end = buffer.indexOf('\n\n')) >= 0) {
					const event = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const data = /^data: (.*)$/m.exec(event)?.[1];
					if (data) {
						counts.push((JSON.parse(data) as { count: number }).count);
						if (counts.length === 1) resolve({ counts, close: () => request.destroy() });
					}
				}
			});
			response.on('error', () => {});
		});
		request.on('error', reject);
	});
}

async function viewersTest(first: { pid: number }) {
	const instance = await countedInstance(first);
	try {
		// Warm, as after its first readers.
		await (await fetch(`${instance.url}/petitions/${SLUG}`)).text();
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const idleRss = rssMb(instance.pid);
		const idleCalls = await callsPerSecond(instance, HOLD_SECONDS / 2);

		const opening = performance.now();
		const callsBeforeOpening = instance.calls();
		const viewers: Viewer[] = [];
		try {
			for (let batch = 0; batch < VIEWERS; batch += 100) {
				viewers.push(
					...(await Promise.all(
						Array.from({ length: Math.min(100, VIEWERS - batch) }, () => openViewer(instance.url))
					))
				);
			}
			const openSeconds = (performance.now() - opening) / 1000;
			const openCalls = instance.calls() - callsBeforeOpening;
			await new Promise((resolve) => setTimeout(resolve, 2000));
			const heldRss = rssMb(instance.pid);
			const heldCalls = await callsPerSecond(instance, HOLD_SECONDS);

			// One new signature: how long until every viewer has heard it.
			const before = viewers[0].counts.at(-1)!;
			const token = await servedToken(instance.url);
			const sent = performance.now();
			const signed = await sign(instance.url, token, 1, `sse-${Date.now()}`);
			if (signed.signed.length !== 1) throw new Error('the signature during the hold was refused');
			let heardAll = 0;
			while (performance.now() - sent < 15_000) {
				if (viewers.every((viewer) => viewer.counts.at(-1)! > before)) {
					heardAll = performance.now() - sent;
					break;
				}
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			if (!heardAll) {
				const last = new Map<string, number>();
				for (const viewer of viewers) {
					const key = String(viewer.counts.at(-1));
					last.set(key, (last.get(key) ?? 0) + 1);
				}
				console.log('viewers by last count heard:', Object.fromEntries(last), 'before:', before);
			}
			return { idleRss, idleCalls, openSeconds, openCalls, heldRss, heldCalls, heardAll };
		} finally {
			for (const viewer of viewers) viewer.close();
		}
	} finally {
		await instance.stop();
	}
}

export async function run() {
	const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
	const site = await startSiteOnStack(databaseUrl, {
		// Every signature comes from this one machine: no limit may stop the bench.
		PETITION_RATE_PER_IP: '1000000000',
		PETITION_RATE_PER_EMAIL: '1000000000'
	});
	const sql = new pg.Client({ connectionString: site.dbUrl });
	await sql.connect();
	try {
		const database = (
			await sql.query<{ version: string }>('select version()')
		).rows[0].version.split(' on ')[0];
		console.log(
			`\nPetitions: ${SIGNATURES.toLocaleString('en')} signatures, ${CONNECTIONS} at a time, on ${database}${databaseUrl ? '' : ' (PGlite)'}; ` +
				`${os.cpus().length} cores, Node ${process.version}`
		);

		const token = await servedToken(site.url);
		const warm = await sign(site.url, token, 200, 'warm');
		const cpuBefore = Object.fromEntries(
			Object.entries(site.processes).map(([name, pid]) => [name, cpuSeconds(pid)])
		);
		const benchCpu = process.cpuUsage();
		const run = await sign(site.url, token, SIGNATURES, 'run');
		const benchUsed = process.cpuUsage(benchCpu);
		const cpu = Object.fromEntries(
			Object.entries(site.processes).map(([name, pid]) => [
				name,
				Number((cpuSeconds(pid) - cpuBefore[name]).toFixed(1))
			])
		);
		const check = await checkTable(sql, [...warm.signed, ...run.signed]);
		const perSecond = run.signed.length / run.seconds;
		const p50 = percentile(run.latencies, 50);
		const p99 = percentile(run.latencies, 99);

		console.log('\nSigning through the form action (POST → 303 to the thank-you page)\n');
		console.table([
			{
				signatures: run.signed.length,
				refused: run.refused,
				seconds: Number(run.seconds.toFixed(1)),
				'per second': Math.round(perSecond),
				'p50 ms': Number(p50.toFixed(1)),
				'p99 ms': Number(p99.toFixed(1))
			}
		]);
		console.log(
			`CPU seconds used during the run: app ${cpu.app}, PostgREST ${cpu.postgrest}, ` +
				`local stack process (gateway${databaseUrl ? '' : ' and PGlite'}) ${cpu.stack}, ` +
				`this load generator ${((benchUsed.user + benchUsed.system) / 1e6).toFixed(1)}` +
				`${databaseUrl ? ', Postgres: not counted' : ''} (${os.cpus().length} cores × ${run.seconds.toFixed(1)} s = ${(os.cpus().length * run.seconds).toFixed(1)})`
		);
		console.log(
			`table: signature_count ${check.count}, ${check.rows} rows for ${warm.signed.length + run.signed.length} signed (warm-up included): ` +
				`${check.lost} lost, ${check.doubled} doubled`
		);

		const sse = await viewersTest(site);
		console.log(
			`\n${VIEWERS.toLocaleString('en')} open server-sent-event connections on one instance (a second one, its database calls counted)\n`
		);
		console.table([
			{
				'RSS before MB': sse.idleRss,
				'RSS holding MB': sse.heldRss,
				'opened in s': Number(sse.openSeconds.toFixed(1)),
				'db calls opening': sse.openCalls,
				'db calls/s idle': Number(sse.idleCalls.toFixed(2)),
				'db calls/s holding': Number(sse.heldCalls.toFixed(2)),
				'new count heard by all (ms)': Math.round(sse.heardAll) || 'not within 15 s'
			}
		]);
		console.log('(each database call is one PostgREST request: one transaction)');

		const postgres = Boolean(databaseUrl);
		const goals = [
			{
				measure: 'signatures per second',
				figure: Math.round(perSecond),
				goal: postgres ? '≥ 300' : '≥ 100',
				met: perSecond >= (postgres ? 300 : 100) ? 'yes' : 'NO'
			},
			...(postgres
				? [
						{
							measure: 'p99 latency',
							figure: `${p99.toFixed(1)} ms`,
							goal: '< 100 ms',
							met: p99 < 100 ? 'yes' : 'NO'
						}
					]
				: []),
			{
				measure: 'lost / doubled',
				figure: `${check.lost} / ${check.doubled}`,
				goal: '0 / 0',
				met: check.lost === 0 && check.doubled === 0 && check.count === check.rows ? 'yes' : 'NO'
			},
			{
				measure: `db calls/s with ${VIEWERS} viewers`,
				figure: sse.heldCalls.toFixed(2),
				goal: '0.5 (one poll per 2 s)',
				met: sse.heldCalls - sse.idleCalls <= 0.55 ? 'yes' : 'NO'
			}
		];
		console.log('\nGoals (issue 6)\n');
		console.table(goals);
	} finally {
		await sql.end();
		await site.stop();
	}
}
