import { expect, test } from './fixtures.ts';

// Without a Resend key (as in these tests), nothing is sent and /dev/mail shows
// the outbox. Each test queues its own sample to its own address.

function address(name: string, browserName: string) {
	return `${name}.${browserName}.${Date.now()}@example.org`;
}

test.describe('mail viewer', () => {
	test('shows a queued email in English and in French, with its headers, HTML and text', async ({
		page,
		javaScriptEnabled
	}) => {
		const to = address(`viewer-${javaScriptEnabled ? 'js' : 'nojs'}`, 'chromium');
		await page.goto('/dev/mail');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mail viewer');

		for (const language of ['English', 'French']) {
			await page.getByLabel('Email address').fill(to);
			await page.getByRole('radio', { name: language }).check();
			await page.getByRole('button', { name: 'Queue the sample' }).click();
			await expect(page.getByRole('status')).toHaveText(
				'The sample is queued: it is at the top of the list.'
			);
		}
		const rows = page.getByRole('row').filter({ hasText: to });
		await expect(rows).toHaveCount(2);
		await expect(rows.nth(0)).toContainText('Un courriel d’exemple de IJM Canada');
		await expect(rows.nth(1)).toContainText('A sample email from IJM Canada');

		await rows.nth(0).getByRole('link').click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Un courriel d’exemple de IJM Canada'
		);
		await expect(page.getByRole('definition').filter({ hasText: to })).toHaveCount(1);
		await expect(page.locator('pre')).toContainText('Bonjour à vous,');
		const frame = page.frameLocator('iframe[title="The email as HTML"]');
		await expect(frame.getByText('Bonjour à vous,')).toBeVisible();
		await expect(
			frame.getByText('International Justice Mission Canada', { exact: false })
		).toBeVisible();
	});

	test('says what is wrong with the address, next to the field, and keeps what was typed', async ({
		page
	}) => {
		await page.goto('/fr/dev/mail');
		await page.getByLabel('Adresse courriel').fill('pas-une-adresse');
		await page.getByRole('button', { name: 'Mettre l’exemple en file' }).click();
		const field = page.getByLabel('Adresse courriel');
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await expect(field).toHaveAccessibleDescription(
			'Entrez une adresse courriel, par exemple nom@example.org.'
		);
		await expect(field).toHaveValue('pas-une-adresse');
	});
});

test.describe('unsubscribe page', () => {
	test('says plainly when a link does not work', async ({ page }) => {
		await page.goto('/email/unsubscribe/0123456789abcdef0123456789abcdef');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link does not work');
	});
});
