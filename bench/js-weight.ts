import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { chromiumLaunch } from './chromium.ts';

export interface JsWeight {
	path: string;
	files: number;
	/** Decoded bytes of every script the page loaded. */
	raw: number;
	/** The same, each gzipped at level 9. */
	gzip: number;
}

/**
 * The JavaScript a first visit to each page loads in Chromium: every script
 * response (lazy chunks too: it waits for the network to settle), in a fresh
 * context so nothing comes from the cache.
 */
export async function measureJs(origin: string, paths: string[]): Promise<JsWeight[]> {
	const browser = await chromium.launch(chromiumLaunch);
	try {
		const weights: JsWeight[] = [];
		for (const path of paths) {
			const context = await browser.newContext();
			const page = await context.newPage();
			const scripts: Promise<Buffer>[] = [];
			page.on('response', (response) => {
				if (response.request().resourceType() === 'script') scripts.push(response.body());
			});
			await page.goto(origin + path, { waitUntil: 'networkidle' });
			const bodies = await Promise.all(scripts);
			weights.push({
				path,
				files: bodies.length,
				raw: bodies.reduce((sum, body) => sum + body.length, 0),
				gzip: bodies.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0)
			});
			await context.close();
		}
		return weights;
	} finally {
		await browser.close();
	}
}
