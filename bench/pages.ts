import autocannon from 'autocannon';
import os from 'node:os';
import { startBuiltSite } from './server.ts';

// Pages measured against the bare page served by the same server in the same run.
// Goal (issue 2): the home page at least 50 % of the bare page's req/s.
const PAGES = [
	{ name: 'bare page (floor)', path: '/bench/bare' },
	{ name: 'home (en)', path: '/' },
	{ name: 'home (fr)', path: '/fr' }
];

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Figure {
	name: string;
	path: string;
	reqPerSec: number;
	p50: number;
	p99: number;
	errors: number;
}

async function measure(url: string, duration: number): Promise<autocannon.Result> {
	return autocannon({ url, connections: CONNECTIONS, duration });
}

export async function run() {
	const site = await startBuiltSite({ BENCH_BARE_PAGE: '1' });
	const figures: Figure[] = [];
	try {
		for (const page of PAGES) {
			const url = site.url + page.path;
			const status = (await fetch(url)).status;
			if (status !== 200) throw new Error(`${page.path} answered ${status}`);
			await measure(url, 2); // warm-up
			const result = await measure(url, DURATION_S);
			figures.push({
				name: page.name,
				path: page.path,
				reqPerSec: result.requests.average,
				p50: result.latency.p50,
				p99: result.latency.p99,
				errors: result.errors + result.non2xx
			});
		}
	} finally {
		await site.stop();
	}

	const floor = figures[0].reqPerSec;
	console.log(
		`\nPages: ${CONNECTIONS} connections, ${DURATION_S} s each, ${os.cpus().length} cores, Node ${process.version}\n`
	);
	console.table(
		figures.map((figure) => ({
			page: figure.name,
			path: figure.path,
			'req/s': Math.round(figure.reqPerSec),
			'p50 ms': figure.p50,
			'p99 ms': figure.p99,
			errors: figure.errors,
			'vs bare': `${Math.round((figure.reqPerSec / floor) * 100)} %`
		}))
	);
	const home = figures.find((figure) => figure.path === '/');
	if (home) {
		const ratio = home.reqPerSec / floor;
		console.log(
			`home page: ${Math.round(home.reqPerSec)} req/s, ${Math.round(ratio * 100)} % of the bare page (goal: at least 50 %)`
		);
	}
}
