import autocannon from 'autocannon';
import os from 'node:os';
import { measureJs } from './js-weight.ts';
import { runLighthouse } from './lighthouse.ts';
import { startBuiltSite } from './server.ts';

// `npm run bench -- pages`, on the built site as `npm start` serves it:
//  1. SSR req/s of each page against the bare page served by the same server in the
//     same run (the floor); goal: home and /impact each at least 50 % of it;
//  2. Lighthouse on a phone profile for / and /impact: scores, LCP and CLS;
//  3. the JavaScript a first visit loads, gzipped (level 9).
const PAGES = [
	{ name: 'bare page (floor)', path: '/bench/bare' },
	{ name: 'home (en)', path: '/' },
	{ name: 'home (fr)', path: '/fr' },
	{ name: 'impact (en)', path: '/impact' },
	{ name: 'impact (fr)', path: '/fr/impact' }
];
/** The pages whose share of the floor has a goal. */
const SSR_GOALS = ['/', '/impact'];
const LIGHTHOUSE_PAGES = ['/', '/impact'];

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LIGHTHOUSE_RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3);

/** The goals of issue 5, each with how to read the figure against it. */
const GOALS = {
	ssrShare: { text: '≥ 50 % of bare', met: (share: number) => share >= 0.5 },
	performance: { text: '≥ 98', met: (score: number) => score >= 98 },
	accessibility: { text: '100', met: (score: number) => score === 100 },
	bestPractices: { text: '≥ 95', met: (score: number) => score >= 95 },
	seo: { text: '100', met: (score: number) => score === 100 },
	lcp: { text: '≤ 1.2 s', met: (ms: number) => ms <= 1200 },
	cls: { text: '≤ 0.02', met: (cls: number) => cls <= 0.02 },
	js: { text: '≤ 40 kB gzipped', met: (bytes: number) => bytes <= 40 * 1024 }
};

interface Figure {
	name: string;
	path: string;
	reqPerSec: number;
	p50: number;
	p99: number;
	errors: number;
}

interface GoalRow {
	measure: string;
	figure: string;
	goal: string;
	met: string;
}

const mark = (met: boolean) => (met ? 'yes' : 'NO');
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

async function measure(url: string, duration: number): Promise<autocannon.Result> {
	return autocannon({ url, connections: CONNECTIONS, duration });
}

export async function run() {
	const site = await startBuiltSite({ BENCH_BARE_PAGE: '1' });
	const figures: Figure[] = [];
	let lighthouse: Awaited<ReturnType<typeof runLighthouse>>;
	let js: Awaited<ReturnType<typeof measureJs>>;
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
		// After the load, on the idle server: Lighthouse times the page as one phone sees it.
		console.log(`Lighthouse: ${LIGHTHOUSE_PAGES.join(', ')}, ${LIGHTHOUSE_RUNS} run(s) each…`);
		lighthouse = await runLighthouse(site.url, LIGHTHOUSE_PAGES, LIGHTHOUSE_RUNS);
		js = await measureJs(site.url, LIGHTHOUSE_PAGES);
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

	console.log(
		`\nLighthouse ${LIGHTHOUSE_RUNS > 1 ? `(median of ${LIGHTHOUSE_RUNS} runs)` : ''}: mobile, simulated slow 4G, 4× CPU slowdown\n`
	);
	console.table(
		lighthouse.map((page) => ({
			path: page.path,
			performance: page.performance,
			accessibility: page.accessibility,
			'best practices': page.bestPractices,
			SEO: page.seo,
			LCP: `${(page.lcp / 1000).toFixed(2)} s`,
			CLS: page.cls.toFixed(3)
		}))
	);
	for (const page of lighthouse) {
		if (page.failing.length > 0) {
			console.log(`audits not passed on ${page.path}:\n  ${page.failing.join('\n  ')}`);
		}
	}

	console.log('\nJavaScript loaded on a first visit (every script response, gzip -9)\n');
	console.table(
		js.map((page) => ({
			path: page.path,
			files: page.files,
			raw: kB(page.raw),
			gzipped: kB(page.gzip)
		}))
	);

	const goals: GoalRow[] = [];
	for (const path of SSR_GOALS) {
		const page = figures.find((figure) => figure.path === path)!;
		const share = page.reqPerSec / floor;
		goals.push({
			measure: `SSR ${path} (req/s vs bare)`,
			figure: `${Math.round(page.reqPerSec)} req/s = ${Math.round(share * 100)} %`,
			goal: GOALS.ssrShare.text,
			met: mark(GOALS.ssrShare.met(share))
		});
	}
	for (const page of lighthouse) {
		const rows: [string, number, string, keyof typeof GOALS][] = [
			['performance', page.performance, String(page.performance), 'performance'],
			['accessibility', page.accessibility, String(page.accessibility), 'accessibility'],
			['best practices', page.bestPractices, String(page.bestPractices), 'bestPractices'],
			['SEO', page.seo, String(page.seo), 'seo'],
			['LCP', page.lcp, `${(page.lcp / 1000).toFixed(2)} s`, 'lcp'],
			['CLS', page.cls, page.cls.toFixed(3), 'cls']
		];
		for (const [label, value, figure, goal] of rows) {
			goals.push({
				measure: `${page.path} ${label}`,
				figure,
				goal: GOALS[goal].text,
				met: mark(GOALS[goal].met(value))
			});
		}
	}
	const impactJs = js.find((page) => page.path === '/impact')!;
	goals.push({
		measure: 'JS shipped to /impact',
		figure: kB(impactJs.gzip),
		goal: GOALS.js.text,
		met: mark(GOALS.js.met(impactJs.gzip))
	});
	console.log('\nGoals (issue 5)\n');
	console.table(goals);
	const missed = goals.filter((row) => row.met !== 'yes');
	console.log(
		missed.length === 0
			? 'Every goal is met.'
			: `Not met: ${missed.map((row) => row.measure).join('; ')}`
	);
}
