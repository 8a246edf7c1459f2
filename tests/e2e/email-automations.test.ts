import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Automatic emails (/admin/emails/automations): staff reword the welcome email in
// English and French and see both previews, go back to the built-in words, turn
// "Your gift at work" off and on; a viewer can do none of it. Each test runs with
// JavaScript on and off.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const english = (page: Page) => page.getByRole('group', { name: 'English' }).first();
const french = (page: Page) => page.getByRole('group', { name: 'French' }).first();

test.describe('automatic emails', () => {
	test('staff reword the welcome email, see it in both languages, then go back to the built-in words', async ({
		page,
		javaScriptEnabled
	}) => {
		await signIn(page, addStaff('campaigner', 'automator'));
		await page.goto('/admin/emails');
		await page.getByRole('link', { name: /Automatic emails/ }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Automatic emails');
		for (const name of [
			'Welcome, first email',
			'Welcome, second email',
			'Thank-you after signing',
			'Your gift at work'
		]) {
			await expect(page.getByRole('rowheader', { name })).toBeVisible();
		}

		await page.getByRole('link', { name: 'Edit “Welcome, first email”' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, first email');
		// It starts from the built-in words, in both languages.
		await expect(english(page).getByLabel('Subject')).toHaveValue(/^Welcome to /);
		await expect(french(page).getByLabel('Subject')).toHaveValue(/^Bienvenue chez /);
		await expect(page.getByLabel('Days to wait')).toHaveValue('0');

		const marker = unique();
		await english(page).getByLabel('Subject').fill(`Glad you are here ${marker}`);
		await english(page)
			.getByLabel('Body')
			.fill(`Hello {{first_name|friend}},\n\nThe first words ${marker}.`);
		await french(page).getByLabel('Subject').fill(`Heureux de vous compter parmi nous ${marker}`);
		const previewEn = page.frameLocator('iframe[title="English preview"]');
		const previewFr = page.frameLocator('iframe[title="French preview"]');
		if (javaScriptEnabled) {
			// Before saving, the preview follows the typing.
			await expect(previewEn.getByText(`The first words ${marker}.`)).toBeVisible();
		} else {
			await page.getByRole('button', { name: 'Update the English preview' }).click();
			await expect(previewEn.getByText(`The first words ${marker}.`)).toBeVisible();
		}

		await page.getByRole('button', { name: 'Save' }).first().click();
		await expect(page.getByText('Saved. Emails from now on use these words.')).toBeVisible();
		await expect(page.getByText('These are words written by staff.')).toBeVisible();
		// Both previews show what was saved, as a supporter named Alex gets it.
		await expect(previewEn.getByText(`Glad you are here ${marker}`)).toBeVisible();
		await expect(previewEn.getByText('Hello Alex,')).toBeVisible();
		await expect(previewFr.getByText(`Heureux de vous compter parmi nous ${marker}`)).toBeVisible();
		await expect(previewFr.getByText('Bonjour Alex,')).toBeVisible();
		const [saved] = await sql(
			`select content #>> '{en,subject}' as subject, rendered #>> '{fr,subject}' as rendered
			 from email_automations where key = 'welcome-1'`
		);
		expect(saved).toEqual({
			subject: `Glad you are here ${marker}`,
			rendered: `Heureux de vous compter parmi nous ${marker}`
		});

		// A merge field it cannot fill is refused next to its field, and nothing typed is lost.
		await english(page).getByLabel('Subject').fill(`For {{last_name}} ${marker}`);
		await page.getByRole('button', { name: 'Save' }).first().click();
		await expect(english(page).getByLabel('Subject')).toHaveAccessibleDescription(
			/cannot fill in \{\{last_name\}\}/
		);
		await expect(english(page).getByLabel('Subject')).toHaveValue(`For {{last_name}} ${marker}`);
		await expect(english(page).getByLabel('Body')).toHaveValue(/The first words/);

		await page.getByRole('button', { name: 'Go back to the built-in words' }).click();
		await expect(page.getByText('The built-in words are back.')).toBeVisible();
		await expect(previewEn.getByText(/^Welcome to /)).toBeVisible();
		await page.goto('/admin/emails/automations/welcome-1');
		await expect(english(page).getByLabel('Subject')).toHaveValue(/^Welcome to /);
		expect(await sql(`select content from email_automations where key = 'welcome-1'`)).toEqual([
			{ content: null }
		]);

		// The petition thank-you goes when they sign: no delay to choose.
		await page.goto('/admin/emails/automations/petition-thanks');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank-you after signing');
		await expect(page.getByLabel('Days to wait')).toHaveCount(0);
		await expect(english(page).getByLabel('Body')).toHaveValue(/\{\{petition_title\}\}/);
	});

	test('staff turn “Your gift at work” off, then on again', async ({ page }) => {
		await signIn(page, addStaff('campaigner', 'switcher'));
		await page.goto('/admin/emails/automations');
		const row = page
			.getByRole('row')
			.filter({ has: page.getByRole('rowheader', { name: 'Your gift at work' }) });
		await expect(row).toContainText('On');
		await expect(row).toContainText('30');

		await row.getByRole('button', { name: 'Turn off “Your gift at work”' }).click();
		await expect(page.getByText('“Your gift at work” is off.')).toBeVisible();
		await expect(row.getByRole('button', { name: 'Turn on “Your gift at work”' })).toBeVisible();
		expect(await sql(`select enabled from email_automations where key = 'gift-at-work'`)).toEqual([
			{ enabled: false }
		]);

		await row.getByRole('button', { name: 'Turn on “Your gift at work”' }).click();
		await expect(page.getByText(/“Your gift at work” is on\./)).toBeVisible();
		await expect(row.getByRole('button', { name: 'Turn off “Your gift at work”' })).toBeVisible();
		const [state] = await sql(
			`select enabled, now() - enabled_since < interval '1 minute' as just_now
			 from email_automations where key = 'gift-at-work'`
		);
		expect(state).toEqual({ enabled: true, just_now: true });
	});

	test('a viewer can neither open nor change them', async ({ page, baseURL }) => {
		await signIn(page, addStaff('viewer', 'watcher'));
		const toggle = await page.request.post('/admin/emails/automations?/toggle', {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { key: 'welcome-1', enabled: 'false' }
		});
		expect(toggle.status()).toBe(403);
		expect(await sql(`select enabled from email_automations where key = 'welcome-1'`)).toEqual([
			{ enabled: true }
		]);
		const response = await page.goto('/admin/emails/automations/welcome-1');
		expect(response?.status()).toBe(403);
	});
});
