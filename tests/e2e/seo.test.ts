import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const meta = (page: Page, key: string) =>
	page.locator(`meta[property="${key}"], meta[name="${key}"]`).getAttribute('content');

/** Fetches a share image and returns its pixel size, read from the PNG header. */
async function pngSize(request: APIRequestContext, url: string) {
	// Absolute from SITE_URL; fetched here by path, from the site under test.
	const response = await request.get(new URL(url).pathname);
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toBe('image/png');
	const body = await response.body();
	expect(body.length).toBeLessThan(150 * 1024);
	return { width: body.readUInt32BE(16), height: body.readUInt32BE(20) };
}

test.describe('search engines', () => {
	test('the sitemap lists the public pages in English and French with their translations', async ({
		request,
		baseURL
	}) => {
		const response = await request.get('/sitemap.xml');
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toBe('application/xml; charset=utf-8');
		const xml = await response.text();
		const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
		for (const path of [
			'/',
			'/fr',
			'/impact',
			'/fr/impact',
			'/privacy',
			'/fr/privacy',
			// Published campaigns and petitions come from the database.
			'/campaigns/protect-children-online',
			'/fr/petitions/protect-children-online'
		]) {
			expect(locs).toContain(baseURL + path);
		}
		expect(xml).toContain(
			`<xhtml:link rel="alternate" hreflang="fr-CA" href="${baseURL}/fr/impact"/>`
		);
	});

	test('robots.txt opens the public site, closes the admin and tools, and names the sitemap', async ({
		request,
		baseURL
	}) => {
		const response = await request.get('/robots.txt');
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
		const lines = (await response.text()).split('\n');
		expect(lines).toEqual(
			expect.arrayContaining([
				'User-agent: *',
				'Allow: /',
				'Disallow: /admin',
				'Disallow: /dev',
				'Disallow: /api',
				'Disallow: /email',
				`Sitemap: ${baseURL}/sitemap.xml`
			])
		);
	});

	test('the home page describes the charity as an NGO, with no Content Security Policy error', async ({
		page,
		baseURL
	}) => {
		const problems: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') problems.push(message.text());
		});
		page.on('pageerror', (error) => problems.push(error.message));
		await page.goto('/');
		const blocks = page.locator('script[type="application/ld+json"]');
		await expect(blocks).toHaveCount(1);
		const data = JSON.parse((await blocks.textContent()) ?? '');
		expect(data).toMatchObject({
			'@context': 'https://schema.org',
			'@type': 'NGO',
			name: 'IJM Canada',
			legalName: 'International Justice Mission Canada',
			url: `${baseURL}/`
		});
		expect(problems).toEqual([]);
	});
});

test.describe('sharing a page', () => {
	test('the home page has a title, description, canonical address and a 1200×630 share image', async ({
		page,
		request,
		baseURL
	}) => {
		await page.goto('/');
		expect(await meta(page, 'og:title')).toBe('When laws are enforced, the violence stops');
		expect(await meta(page, 'og:description')).toBe(
			await page.locator('meta[name="description"]').getAttribute('content')
		);
		await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', `${baseURL}/`);
		expect(await meta(page, 'og:url')).toBe(`${baseURL}/`);
		expect(await meta(page, 'og:locale')).toBe('en_CA');
		expect(await meta(page, 'twitter:card')).toBe('summary_large_image');
		expect(await meta(page, 'og:image:alt')).toBeTruthy();
		const image = (await meta(page, 'og:image'))!;
		expect(image).toBe(`${baseURL}/share/home-en.png`);
		expect(await pngSize(request, image)).toEqual({ width: 1200, height: 630 });
	});

	test('in French, the home page and the story share their French cards', async ({
		page,
		request,
		baseURL
	}) => {
		await page.goto('/fr');
		expect(await meta(page, 'og:locale')).toBe('fr_CA');
		expect(await meta(page, 'og:locale:alternate')).toBe('en_CA');
		expect(await meta(page, 'og:image')).toBe(`${baseURL}/share/home-fr.png`);

		await page.goto('/fr/impact');
		await expect(page.locator('link[rel="canonical"]')).toHaveAttribute(
			'href',
			`${baseURL}/fr/impact`
		);
		const image = (await meta(page, 'og:image'))!;
		expect(image).toBe(`${baseURL}/share/impact-fr.png`);
		expect(await pngSize(request, image)).toEqual({ width: 1200, height: 630 });
	});

	test('the impact story shares its own card', async ({ page, request, baseURL }) => {
		await page.goto('/impact');
		expect(await meta(page, 'og:title')).toBe(
			'Children protected from sex trafficking in Southeast Asia'
		);
		const image = (await meta(page, 'og:image'))!;
		expect(image).toBe(`${baseURL}/share/impact-en.png`);
		expect(await pngSize(request, image)).toEqual({ width: 1200, height: 630 });
	});
});
