import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Browser, type Page } from '@playwright/test';

/** Fails with the list of WCAG 2.2 A/AA violations axe finds on the page as it is now. */
async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page })
		// A sandboxed frame shows foreign content (an email) and cannot run axe.
		.exclude('iframe[sandbox]')
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
		.analyze();
	const summary = results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help}\n  ${violation.nodes
				.slice(0, 3)
				.map((node) => node.target.join(' '))
				.join('\n  ')}`
	);
	expect(summary, 'axe found accessibility violations').toEqual([]);
}

/**
 * axe runs as a script, so with JavaScript off the page as the reader saw it (its
 * HTML, with the site's scripts blocked) is checked in a second, script-enabled page.
 */
async function checkAsServed(page: Page, browser: Browser) {
	const url = page.url();
	const html = await page.content();
	const context = await browser.newContext({ javaScriptEnabled: true });
	try {
		const checker = await context.newPage();
		await checker.route('**/*', (route) => {
			const request = route.request();
			if (request.url() === url && request.resourceType() === 'document') {
				return route.fulfill({ status: 200, contentType: 'text/html', body: html });
			}
			return request.resourceType() === 'script' ? route.abort() : route.continue();
		});
		await checker.goto(url);
		await expectAccessible(checker);
	} finally {
		await context.close();
	}
}

/**
 * `axe()` checks the page as it is now, with JavaScript on or off. Every page a
 * test ends on is also checked when the test ends, so no page can be added to the
 * suite without one; a test calls `axe()` itself for the pages it passes through.
 */
export const test = base.extend<{ axe: () => Promise<void>; axeOnEveryPage: void }>({
	axe: async ({ page, browser, javaScriptEnabled }, use) => {
		await use(() =>
			javaScriptEnabled === false ? checkAsServed(page, browser) : expectAccessible(page)
		);
	},
	axeOnEveryPage: [
		async ({ page, axe }, use) => {
			await use();
			if (page.url().startsWith('http')) await axe();
		},
		{ auto: true }
	]
});

export { expect };
