import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// A supporter asks for their data, or its erasure, at /privacy; confirms by the
// link emailed to them (read from the mail viewer, as a developer would); and
// downloads the file, or sees their data erased. Each test runs with JavaScript on
// and off.

async function supporter(name: string, javaScriptEnabled: boolean) {
	const email = `${name}.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now()}@example.org`;
	const [row] = await sql(
		`insert into supporters (email, first_name, last_name, province, language)
		 values ($1, 'Marguerite', 'Vandersloot', 'NS', 'en') returning id`,
		[email]
	);
	await sql(
		`insert into consents (supporter_id, channel, status, kind, source, wording, language)
		 values ($1, 'email', 'granted', 'express', '/petitions/courts', 'Yes, email me results updates.', 'en')`,
		[row.id]
	);
	await sql(
		`insert into gifts (supporter_id, amount_cents, currency, frequency, status) values ($1, 5000, 'cad', 'one_time', 'succeeded')`,
		[row.id]
	);
	return { id: row.id as string, email };
}

async function ask(page: Page, email: string, kind: 'A copy of my data' | 'Erase my data') {
	await page.goto('/privacy');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Your data: a copy, or its erasure'
	);
	await page.getByLabel('Email address').fill(email);
	await page.getByRole('radio', { name: kind }).check();
	await page.getByRole('button', { name: 'Email me a confirmation link' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
	await expect(page.getByRole('status')).toContainText(
		'If we hold data about you, it has a link to confirm'
	);
}

/** The confirmation link in the newest email to `email`, read from the mail viewer. */
async function linkSentTo(page: Page, email: string): Promise<string> {
	await page.goto('/dev/mail');
	await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
	const text = await page.locator('pre').textContent();
	const link = /https?:\/\/\S+\/privacy\/confirm\?token=[a-z2-7]+/.exec(text ?? '')?.[0];
	expect(link, 'the email carries a confirmation link').toBeTruthy();
	// The link names the site's address; the test site listens on its own port.
	const url = new URL(link!);
	return `${url.pathname}${url.search}`;
}

test.describe('privacy requests', () => {
	test('a supporter gets a copy of their data as a JSON file', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const person = await supporter('access', javaScriptEnabled);
		await ask(page, person.email, 'A copy of my data');
		await axe();
		const link = await linkSentTo(page, person.email);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Confirm your request for a copy of your data'
		);

		await page.goto(link);
		await expect(
			page.getByText('You asked for a copy of all the data we hold about you.')
		).toBeVisible();
		await axe();
		await page.getByRole('button', { name: 'Prepare my data' }).click();
		await expect(page.getByRole('status')).toContainText('Your data is ready');

		const downloading = page.waitForEvent('download');
		await page.getByRole('button', { name: 'Download my data' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
		const file = JSON.parse(readFileSync((await download.path())!, 'utf8'));
		expect(file.supporter).toMatchObject({
			email: person.email,
			first_name: 'Marguerite',
			last_name: 'Vandersloot'
		});
		expect(file.consents[0]).toMatchObject({ wording: 'Yes, email me results updates.' });
		expect(file.gifts[0]).toMatchObject({ amount_cents: 5000, currency: 'cad' });
		expect(file.emails[0]).toMatchObject({ template: 'privacy-confirm' });

		// The link keeps its download for 7 days; confirming is not offered again.
		await page.goto(link);
		await expect(page.getByRole('button', { name: 'Download my data' })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Prepare my data' })).toHaveCount(0);
	});

	test('a supporter erases their data; staff see them anonymised; the link cannot be used again', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const person = await supporter('erasure', javaScriptEnabled);
		await ask(page, person.email, 'Erase my data');
		const link = await linkSentTo(page, person.email);

		await page.goto(link);
		await expect(page.getByText('You asked us to erase your data.')).toBeVisible();
		await expect(
			page.getByText('Your gifts and petition signatures stay, anonymously')
		).toBeVisible();
		await axe();
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByRole('heading', { level: 2 })).toHaveText(
			'Last step: this cannot be undone'
		);
		await axe();
		await page.getByRole('button', { name: 'Erase my data now' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your data has been erased');
		await expect(page.getByRole('status')).toContainText('We will not email you again.');
		await axe();

		// Opened again, the link says it has been used and offers a new request.
		await page.goto(link);
		await expect(page.getByRole('alert')).toHaveText(
			'This link has already been used. Each link works once.'
		);
		await expect(page.getByRole('link', { name: 'Make a new request' })).toBeVisible();
		await axe();

		// Staff see the request (without the address) and the supporter, anonymised.
		await signIn(page, addStaff('admin'));
		await page.goto('/admin/privacy');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy requests');
		await expect(page.getByText(person.email)).toHaveCount(0);
		const row = page
			.getByRole('row')
			.filter({ has: page.locator(`a[href="/admin/supporters/${person.id}"]`) });
		await expect(row).toContainText('Erasure');
		await expect(row).toContainText('Done');
		await axe();
		await row.getByRole('link', { name: 'View (erased)' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			`erased-${person.id}@erased.invalid`
		);
		await expect(page.getByText('Marguerite')).toHaveCount(0);
	});

	test('says what is wrong next to each field, in the page’s language, and keeps what was typed', async ({
		page
	}) => {
		await page.goto('/fr/privacy');
		await page.getByLabel('Adresse courriel').fill('pas-une-adresse');
		await page.getByRole('button', { name: 'M’envoyer un lien de confirmation' }).click();
		const field = page.getByLabel('Adresse courriel');
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await expect(field).toHaveAccessibleDescription(
			'Entrez une adresse courriel, par exemple nom@example.org.'
		);
		await expect(field).toHaveValue('pas-une-adresse');
		await expect(
			page.getByRole('group', { name: 'Que souhaitez-vous?' })
		).toHaveAccessibleDescription('Choisissez une copie de vos données ou leur effacement.');
	});

	test('a link that was never issued says so', async ({ page }) => {
		await page.goto('/privacy/confirm?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
		await expect(page.getByRole('alert')).toHaveText(
			'This link does not work. It may have been copied incompletely.'
		);
	});

	for (const role of ['viewer', 'campaigner'] as const) {
		test(`a ${role} cannot open the privacy requests page`, async ({ page }) => {
			await signIn(page, addStaff(role));
			const response = await page.goto('/admin/privacy');
			expect(response!.status()).toBe(403);
			await page.goto('/admin');
		});
	}

	test('an owner opens the privacy requests page, in French too', async ({ page }) => {
		await signIn(page, addStaff('owner'));
		const response = await page.goto('/fr/admin/privacy');
		expect(response!.status()).toBe(200);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demandes de confidentialité');
	});
});
