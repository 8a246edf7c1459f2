import { expect, test } from './fixtures.ts';

test.describe('home page', () => {
	test('tells the theory of change, the four parts of the model, and asks to sign and give', async ({
		page
	}) => {
		await page.goto('/');
		await expect(page).toHaveTitle(/When laws are enforced, the violence stops/);
		await expect(page.locator('html')).toHaveAttribute('lang', 'en-CA');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'When laws are enforced, the violence stops.'
		);
		const model = page.getByRole('region', { name: 'How the model works' });
		await expect(model.getByRole('heading', { level: 3 })).toHaveText([
			'Strengthen justice systems',
			'Rescue and restore victims',
			'Bring criminals to justice',
			'Scale demand for protection'
		]);
		await expect(page.getByRole('link', { name: 'Sign the petition' }).first()).toHaveAttribute(
			'href',
			'/campaigns'
		);
		await expect(page.getByRole('link', { name: 'Give now' }).first()).toHaveAttribute(
			'href',
			'/donate'
		);
		const footer = page.getByRole('contentinfo');
		await expect(footer).toContainText('International Justice Mission Canada');
		await expect(footer).toContainText('(sample: not yet set)');
	});

	test('is in French at /fr, and the language switch goes between the two', async ({ page }) => {
		await page.goto('/');
		await page.getByRole('link', { name: 'Français' }).click();
		await expect(page).toHaveURL(/\/fr\/?$/);
		await expect(page.locator('html')).toHaveAttribute('lang', 'fr-CA');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Quand les lois sont appliquées, la violence cesse.'
		);
		await expect(page.getByRole('link', { name: 'Signer la pétition' }).first()).toHaveAttribute(
			'href',
			'/fr/campaigns'
		);
		await page.getByRole('link', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'When laws are enforced, the violence stops.'
		);
	});

	test('the first Tab reaches a skip link to the main content', async ({ page }) => {
		await page.goto('/');
		await page.keyboard.press('Tab');
		const skip = page.getByRole('link', { name: 'Skip to main content' });
		await expect(skip).toBeFocused();
		await expect(skip).toHaveAttribute('href', '#main');
		await expect(page.locator('main#main')).toHaveCount(1);
	});

	test('is served with a nonce-based Content Security Policy and framing refused', async ({
		page
	}) => {
		// The home page ships no script at all: only its own origin may run one.
		const home = (await page.goto('/'))!.headers();
		expect(/script-src ([^;]*)/.exec(home['content-security-policy'])?.[1]).toBe("'self'");
		expect(home['content-security-policy']).toContain("frame-ancestors 'none'");
		expect(home['x-content-type-options']).toBe('nosniff');
		expect(home['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
		// A page with scripts allows only those carrying this response's nonce.
		const form = (await page.goto('/privacy'))!.headers();
		expect(form['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
	});
});

test.describe('a page that does not exist', () => {
	test('says so in the reader’s language, with a way home', async ({ page }) => {
		const english = await page.goto('/no-such-page');
		expect(english!.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
		await expect(page.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute(
			'href',
			'/'
		);

		const french = await page.goto('/fr/no-such-page');
		expect(french!.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
		await expect(page.getByRole('link', { name: 'Aller à la page d’accueil' })).toHaveAttribute(
			'href',
			'/fr'
		);
	});
});

test.describe('health check', () => {
	test('answers 200 when the database answers', async ({ request }) => {
		const response = await request.get('/api/health');
		expect(response.status()).toBe(200);
		expect(await response.json()).toEqual({ ok: true, database: 'ok' });
	});
});
