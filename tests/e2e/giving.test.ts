import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { sql } from './staff.ts';

// "Manage my giving": a donor who gave through the test checkout asks for a link at
// /giving, opens it from the mail viewer (as a developer reads mail), sees their
// gifts and receipts, downloads a receipt, and changes, renews and cancels a test
// monthly gift. Each test runs with JavaScript on and off.

type Language = 'en' | 'fr';

const prefix = (language: Language) => (language === 'fr' ? '/fr' : '');

/** A donation asked for on /donate (the form's row), ready for the test checkout. */
async function checkout(
	email: string,
	options: { frequency: 'one_time' | 'monthly'; cents: number; language: Language }
): Promise<string> {
	const [row] = await sql(
		`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
		   first_name, last_name, address_line1, city, province, postal_code, country, language)
		 values (true, $1, $2, 'cad', $3, $4, 'Léa', 'Tremblay', '12 rue Principale', 'Québec', 'QC',
		   'G1R 4P5', 'Canada', $5)
		 returning id`,
		[options.frequency, options.cents, options.frequency === 'one_time', email, options.language]
	);
	return row.id as string;
}

/** Pays a checkout on the test checkout page, as the donor would. */
async function pay(page: Page, checkoutId: string, language: Language) {
	await page.goto(`${prefix(language)}/donate/test-checkout/${checkoutId}`);
	await page
		.getByRole('button', {
			name: language === 'fr' ? 'Payer (la carte test réussit)' : 'Pay (test card succeeds)'
		})
		.click();
	await page.waitForURL(/\/donate\/thanks\//);
}

function address(name: string, javaScriptEnabled: boolean) {
	return `${name}.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now()}@example.org`;
}

const words = {
	en: {
		email: 'Email address',
		ask: 'Email me a link',
		check: 'Check your email',
		open: 'Open my giving page',
		title: 'Your giving'
	},
	fr: {
		email: 'Adresse courriel',
		ask: 'M’envoyer un lien',
		check: 'Consultez vos courriels',
		open: 'Ouvrir ma page de dons',
		title: 'Vos dons'
	}
};

/** Asks for a link at /giving and returns it (its path), read from the mail viewer. */
async function askForLink(page: Page, email: string, language: Language): Promise<string | null> {
	const w = words[language];
	await page.goto(`${prefix(language)}/giving`);
	await page.getByLabel(w.email).fill(email);
	await page.getByRole('button', { name: w.ask }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.check);
	await page.goto('/dev/mail');
	await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
	const text = (await page.locator('pre').textContent()) ?? '';
	const link = /https?:\/\/\S+\/giving\/link\?token=[a-z2-7]+/.exec(text)?.[0];
	if (!link) return null;
	// The link names the site's address; the test site listens on its own port.
	const url = new URL(link);
	return `${url.pathname}${url.search}`;
}

async function signIn(page: Page, email: string, language: Language) {
	const link = await askForLink(page, email, language);
	expect(link, 'the email carries a link').toBeTruthy();
	expect(link).toMatch(language === 'fr' ? /^\/fr\/giving\/link\?/ : /^\/giving\/link\?/);
	await page.goto(link!);
	await page.getByRole('button', { name: words[language].open }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(words[language].title);
	return link!;
}

test.describe('manage my giving', () => {
	test('a donor opens their page from the emailed link, sees their gifts and downloads a receipt', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const email = address('giver', javaScriptEnabled);
		await pay(
			page,
			await checkout(email, { frequency: 'one_time', cents: 6000, language: 'en' }),
			'en'
		);
		await pay(
			page,
			await checkout(email, { frequency: 'monthly', cents: 2500, language: 'en' }),
			'en'
		);

		await page.goto('/giving');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Manage my giving');
		await axe();
		const link = await signIn(page, email, 'en');

		const gifts = page.getByRole('region', { name: 'Your gifts' });
		await expect(gifts.getByRole('row')).toHaveCount(3);
		await expect(gifts.getByRole('row').filter({ hasText: '$60' })).toContainText('Once');
		await expect(gifts.getByRole('row').filter({ hasText: '$60' })).toContainText('Paid');
		await expect(gifts.getByRole('row').filter({ hasText: '$25' })).toContainText('Monthly');
		await expect(
			page.getByRole('heading', { name: '$25 a month: Where most needed' })
		).toBeVisible();
		await expect(
			page.getByText('Your test gifts ($85) are not real money and are not counted.')
		).toBeVisible();
		await expect(
			page.getByRole('link', { name: 'IJM Canada, A Proven Solution to a Global Problem' }).first()
		).toHaveAttribute('href', 'https://www.ijm.ca/research');

		const receipts = page.getByRole('region', { name: 'Your tax receipts' });
		await expect(receipts.getByRole('row')).toHaveCount(2);
		const downloading = page.waitForEvent('download');
		await receipts
			.getByRole('link', { name: /^Download \(PDF\) receipt TEST-\d{4}-\d{6}$/ })
			.click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(/^receipt-TEST-\d{4}-\d{6}\.pdf$/);
		expect(
			readFileSync((await download.path())!)
				.subarray(0, 5)
				.toString()
		).toBe('%PDF-');

		// The link worked once: opened again, it says so.
		await page.goto(link);
		await expect(page.getByRole('alert')).toContainText('This link has already been used.');
		await page.goto('/giving/manage');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your giving');
	});

	test('en français : un donateur change le montant de son don mensuel de test, simule un paiement, puis l’annule', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const email = address('mensuel', javaScriptEnabled);
		await pay(
			page,
			await checkout(email, { frequency: 'monthly', cents: 2500, language: 'fr' }),
			'fr'
		);
		await signIn(page, email, 'fr');
		await axe();

		const amount = page.getByLabel('Nouveau montant mensuel (CAD)');
		await amount.fill('2');
		await page.getByRole('button', { name: 'Changer le montant' }).click();
		await expect(page.getByLabel('Nouveau montant mensuel (CAD)')).toHaveAttribute(
			'aria-invalid',
			'true'
		);
		await expect(page.getByLabel('Nouveau montant mensuel (CAD)')).toHaveAccessibleDescription(
			/Le plus petit don mensuel est de 5\s\$\./
		);
		await expect(page.getByLabel('Nouveau montant mensuel (CAD)')).toHaveValue('2');
		await page.getByLabel('Nouveau montant mensuel (CAD)').fill('40');
		await page.getByRole('button', { name: 'Changer le montant' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Votre montant mensuel est modifié : le prochain paiement sera du nouveau montant.'
		);
		await expect(
			page.getByRole('heading', { name: '40 $ par mois : Là où le besoin est le plus grand' })
		).toBeVisible();

		await page.getByRole('button', { name: 'Simuler le paiement du mois prochain (test)' }).click();
		await expect(page.getByRole('status')).toContainText(
			'Le paiement de test du mois prochain est fait'
		);
		const gifts = page.getByRole('region', { name: 'Tous vos dons' });
		await expect(gifts.getByRole('row').filter({ hasText: '40 $' })).toContainText('Payé');
		await expect(gifts.getByRole('row')).toHaveCount(3);

		await page.getByRole('link', { name: 'Annuler ce don mensuel' }).click();
		await expect(page.getByRole('heading', { name: 'Annuler ce don mensuel?' })).toBeVisible();
		await axe();
		await page.getByRole('button', { name: 'Oui, annuler mon don mensuel' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Votre don mensuel est annulé. Plus aucun paiement ne sera prélevé.'
		);
		await expect(
			page.getByText(/^Annulé le .+\. Plus aucun paiement ne sera prélevé/)
		).toBeVisible();
		await expect(page.getByRole('button', { name: 'Changer le montant' })).toHaveCount(0);

		await page.getByRole('button', { name: 'Fermer la session' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gérer mes dons');
		await expect(page.getByRole('status')).toHaveText(
			'Votre session est fermée. Pour revenir, demandez un nouveau lien.'
		);
		await page.goto('/fr/giving/manage');
		await expect(page).toHaveURL(/\/fr\/giving$/);
	});

	test('an address with no gifts gets the same answer, and an email that says so', async ({
		page,
		javaScriptEnabled
	}) => {
		const email = address('nobody', javaScriptEnabled);
		expect(await askForLink(page, email, 'en')).toBeNull();
		await expect(page.locator('pre')).toContainText(
			'We found no gifts made with this email address.'
		);
		await page.goto('/giving');
		await page.getByRole('button', { name: 'Email me a link' }).click();
		const field = page.getByLabel('Email address');
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await expect(field).toHaveAccessibleDescription(
			/Enter an email address, for example name@example\.org\./
		);
	});
});
