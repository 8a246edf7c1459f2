import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Page } from '@playwright/test';

/** Fails with the list of WCAG 2.2 A/AA violations axe finds on the page as it is now. */
export async function expectAccessible(page: Page) {
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
 * Every page visited in a test gets an axe check when the test ends, so no page
 * can be added to the suite without one. axe runs as a script, so with JavaScript
 * off the page as the reader saw it (its HTML, with the site's scripts blocked) is
 * checked in a second, script-enabled page.
 */
export const test = base.extend<{ axeOnEveryPage: void }>({
	axeOnEveryPage: [
		async ({ page, browser, javaScriptEnabled }, use) => {
			await use();
			const url = page.url();
			if (!url.startsWith('http')) return;
			if (javaScriptEnabled !== false) {
				await expectAccessible(page);
				return;
			}
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
		},
		{ auto: true }
	]
});

export { expect };
