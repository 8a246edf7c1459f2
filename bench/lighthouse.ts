import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromiumLaunch, chromiumPath } from './chromium.ts';

export interface LighthouseFigure {
	path: string;
	performance: number;
	accessibility: number;
	bestPractices: number;
	seo: number;
	/** Largest Contentful Paint, ms (simulated slow 4G on a mid-range phone). */
	lcp: number;
	cls: number;
	/** Audits that did not pass, with Lighthouse's own title: what to fix. */
	failing: string[];
}

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Lighthouse's default run (a phone: Moto G Power screen, simulated slow 4G and a
 * 4× slower CPU) of each page, `runs` times, keeping each figure's median: the
 * performance score moves a little from run to run.
 */
export async function runLighthouse(
	origin: string,
	paths: string[],
	runs: number
): Promise<LighthouseFigure[]> {
	const chrome = await chromeLauncher.launch({
		chromePath: chromiumPath(),
		// chrome-launcher adds its own profile folder and quiet defaults.
		chromeFlags: ['--headless=new', '--disable-dev-shm-usage', ...(chromiumLaunch.args ?? [])]
	});
	try {
		const figures: LighthouseFigure[] = [];
		for (const path of paths) {
			const samples: Omit<LighthouseFigure, 'path'>[] = [];
			for (let run = 0; run < runs; run++) {
				const result = await lighthouse(origin + path, {
					port: chrome.port,
					logLevel: 'error',
					onlyCategories: CATEGORIES
				});
				if (!result) throw new Error(`Lighthouse gave no result for ${path}`);
				const { categories, audits, runtimeError } = result.lhr;
				if (runtimeError) throw new Error(`Lighthouse on ${path}: ${runtimeError.message}`);
				const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
				samples.push({
					performance: score('performance'),
					accessibility: score('accessibility'),
					bestPractices: score('best-practices'),
					seo: score('seo'),
					lcp: audits['largest-contentful-paint'].numericValue ?? NaN,
					cls: audits['cumulative-layout-shift'].numericValue ?? NaN,
					// What costs points: weighted audits below a pass (metrics below 0.9).
					failing: Object.values(categories)
						.flatMap((category) => category.auditRefs)
						.filter((ref) => ref.weight > 0)
						.map((ref) => audits[ref.id])
						.filter(
							(audit) =>
								audit.score !== null &&
								audit.score < (audit.scoreDisplayMode === 'numeric' ? 0.9 : 1)
						)
						.map((audit) => `${audit.id}: ${audit.title}`)
				});
			}
			const pick = (
				key: 'performance' | 'accessibility' | 'bestPractices' | 'seo' | 'lcp' | 'cls'
			) => median(samples.map((sample) => sample[key]));
			figures.push({
				path,
				performance: pick('performance'),
				accessibility: pick('accessibility'),
				bestPractices: pick('bestPractices'),
				seo: pick('seo'),
				lcp: pick('lcp'),
				cls: pick('cls'),
				failing: [...new Set(samples.flatMap((sample) => sample.failing))]
			});
		}
		return figures;
	} finally {
		chrome.kill();
	}
}
