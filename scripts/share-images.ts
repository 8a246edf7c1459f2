// `node scripts/share-images.ts`: draws the share cards (static/share/*.png) that
// Open Graph and X show when someone shares a page, in English and French, and the
// logo search engines show (static/share/logo.png). Each card is an HTML page with
// the words from messages/*.json, screenshotted in Chromium at 1200×630. Run it again
// after changing those words or CHARITY_NAME, and commit the images.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'static/share');
const NAME = process.env.CHARITY_NAME?.trim() || 'IJM Canada';
/** Share previews load these over mobile networks: keep each well under this. */
const MAX_BYTES = 150 * 1024;

type Messages = Record<string, string>;
const messages = (locale: string): Messages =>
	JSON.parse(readFileSync(path.join(ROOT, `messages/${locale}.json`), 'utf8'));

const escapeHtml = (text: string) => text.replace(/[<>&"]/g, (char) => `&#${char.charCodeAt(0)};`);

const logoSvg = readFileSync(path.join(ROOT, 'static/favicon.svg'), 'utf8');

function card(locale: string, eyebrow: string, headline: string): string {
	return `<!doctype html>
<html lang="${locale}-CA"><head><meta charset="utf-8"><style>
	* { box-sizing: border-box; margin: 0; }
	body { width: 1200px; height: 630px; overflow: hidden; font-family: 'Liberation Sans', Arial, 'DejaVu Sans', sans-serif;
		background: #0b3d5c; color: #fff; display: flex; flex-direction: column; }
	main { flex: 1; padding: 72px 80px 0; display: flex; flex-direction: column; justify-content: center; gap: 28px; }
	.eyebrow { font-size: 30px; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase; color: #f3c9a8; }
	h1 { font-size: 74px; line-height: 1.08; font-weight: 700; max-width: 1000px; text-wrap: balance; }
	footer { height: 120px; background: #f3f1ec; color: #0b3d5c; display: flex; align-items: center; gap: 24px; padding: 0 80px;
		font-size: 38px; font-weight: 700; }
	footer svg { width: 64px; height: 64px; }
</style></head><body>
	<main><p class="eyebrow">${escapeHtml(eyebrow)}</p><h1>${escapeHtml(headline)}</h1></main>
	<footer>${logoSvg}<span>${escapeHtml(NAME)}</span></footer>
</body></html>`;
}

const cards = ['en', 'fr'].flatMap((locale) => {
	const m = messages(locale);
	return [
		{ file: `home-${locale}.png`, html: card(locale, m.home_eyebrow, m.home_theory) },
		{ file: `impact-${locale}.png`, html: card(locale, m.impact_eyebrow, m.impact_title) }
	];
});

const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
try {
	const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
	for (const { file, html } of cards) {
		await page.setContent(html);
		writeFileSync(path.join(OUT, file), await page.screenshot({ type: 'png' }));
	}
	// The logo: the favicon's mark, square, on white (at least 112 px, as Google asks).
	await page.setViewportSize({ width: 512, height: 512 });
	await page.setContent(
		`<!doctype html><body style="margin:0">${logoSvg.replace('<svg ', '<svg width="512" height="512" ')}</body>`
	);
	writeFileSync(path.join(OUT, 'logo.png'), await page.screenshot({ type: 'png' }));
} finally {
	await browser.close();
}

for (const file of [...cards.map((c) => c.file), 'logo.png']) {
	const bytes = statSync(path.join(OUT, file)).size;
	console.log(`static/share/${file}: ${(bytes / 1024).toFixed(1)} kB`);
	if (bytes > MAX_BYTES) {
		console.error(`  larger than ${MAX_BYTES / 1024} kB: simplify the card`);
		process.exitCode = 1;
	}
}
