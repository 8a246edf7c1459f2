import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { pdfText } from '../pdf-text.ts';
import { sql } from './staff.ts';

// A donor gives once or monthly, in English and in French, through the local test
// checkout that stands in for Stripe (these tests run without a Stripe key), and
// the thank-you page says what happened to the payment. Every test runs with
// JavaScript on and off; axe checks the pages.

const CAMPAIGN = 'protect-children-online';
const CAMPAIGN_TITLE = {
	en: 'Protect children from online sexual exploitation in the Philippines',
	fr: 'Protéger les enfants de l’exploitation sexuelle en ligne aux Philippines'
};

type Language = 'en' | 'fr';

const LABELS = {
	en: {
		path: '/donate',
		title: 'Give',
		monthly: 'Monthly',
		other: 'Other amount (CAD)',
		coverFees: 'Cover the card fees',
		designation: 'Where your gift goes',
		general: 'Where it is most needed',
		honour: 'In honour of someone',
		tributeName: 'Their name',
		email: 'Email address',
		first: 'First name',
		last: 'Last name',
		consent: /^Keep me informed/,
		receipt: 'I want a tax receipt',
		line1: 'Street address',
		city: 'City',
		province: 'Province or territory',
		postal: 'Postal code',
		submit: 'Continue to payment',
		pay: 'Pay (test card succeeds)',
		decline: 'Card declined',
		processing: 'Pay by bank debit (processing)',
		settleFail: 'Settle: fail',
		formError: 'Some fields need attention: see the messages next to them.'
	},
	fr: {
		path: '/fr/donate',
		title: 'Donner',
		monthly: 'Chaque mois',
		other: 'Autre montant ($ CA)',
		coverFees: 'Couvrir les frais de carte',
		designation: 'Où va votre don',
		general: 'Là où le besoin est le plus grand',
		honour: 'En l’honneur de quelqu’un',
		tributeName: 'Son nom',
		email: 'Adresse courriel',
		first: 'Prénom',
		last: 'Nom de famille',
		consent: /^Tenez-moi au courant/,
		receipt: 'Je veux un reçu fiscal',
		line1: 'Adresse',
		city: 'Ville',
		province: 'Province ou territoire',
		postal: 'Code postal',
		submit: 'Continuer vers le paiement',
		pay: 'Payer (la carte test réussit)',
		decline: 'Carte refusée',
		processing: 'Payer par prélèvement bancaire (en traitement)',
		settleFail: 'Régler : échec',
		formError: 'Certains champs demandent votre attention'
	}
} as const;

/** What the thank-you and test checkout pages say of the bank debit test's gift of $42.50. */
const THANKS = {
	en: {
		total: '$42.50, once',
		declined: 'Your card was declined.',
		waiting: 'Waiting for confirmation',
		checkAgain: 'Check again',
		processing: 'Your gift is processing',
		processingLead:
			'Your payment of $42.50 is being processed by your bank. This can take a few business days; we will email you when it succeeds.',
		failed: 'Your payment did not go through',
		failedLead:
			'Your payment of $42.50 failed, and nothing was charged. You can try again, with another card or payment method if you like.',
		tryAgain: 'Try again',
		closed: 'This checkout is no longer open.'
	},
	fr: {
		total: '42,50 $, une fois',
		declined: 'Votre carte a été refusée.',
		waiting: 'En attente de confirmation',
		checkAgain: 'Vérifier de nouveau',
		processing: 'Votre don est en traitement',
		processingLead:
			'Votre paiement de 42,50 $ est en traitement par votre banque. Cela peut prendre quelques jours ouvrables; nous vous écrirons quand il aura réussi.',
		failed: 'Votre paiement n’a pas abouti',
		failedLead:
			'Votre paiement de 42,50 $ a échoué, et rien n’a été prélevé. Vous pouvez réessayer, avec une autre carte ou un autre mode de paiement si vous le voulez.',
		tryAgain: 'Réessayer',
		closed: 'Ce paiement n’est plus ouvert.'
	}
} as const;

let counter = 0;
function address(name: string, javaScriptEnabled: boolean) {
	counter += 1;
	return `${name}.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now().toString(36)}.${counter}@example.org`;
}

/** French amounts use no-break spaces ("103,30 $"): match any space. */
function money(text: string): RegExp {
	return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s'), 'u');
}

interface Gift {
	monthly?: boolean;
	/** The start of a ladder amount's label, like '$250' ('' for the default). */
	ladder?: string;
	other?: string;
	coverFees?: boolean;
	email: string;
	receipt?: boolean;
	consent?: boolean;
	tribute?: string;
}

/** Fills the form as a person would, in the page's language. */
async function fill(page: Page, language: Language, gift: Gift) {
	const label = LABELS[language];
	if (gift.monthly) await page.getByRole('radio', { name: label.monthly, exact: true }).check();
	if (gift.ladder) {
		await page.getByRole('radio', { name: new RegExp(`^${money(gift.ladder).source}\\s`) }).check();
	}
	if (gift.other) await page.getByLabel(label.other).fill(gift.other);
	if (gift.coverFees) await page.getByLabel(label.coverFees).check();
	if (gift.tribute) {
		await page.getByRole('radio', { name: label.honour }).check();
		await page.getByLabel(label.tributeName, { exact: true }).fill(gift.tribute);
	}
	await page.getByLabel(label.email, { exact: true }).fill(gift.email);
	await page.getByLabel(label.first, { exact: true }).fill('Marie');
	await page.getByLabel(label.last, { exact: true }).fill('Tremblay');
	if (gift.consent) await page.getByLabel(label.consent).check();
	if (gift.receipt) {
		await page.getByLabel(label.receipt).check();
		await page.getByLabel(label.line1, { exact: true }).fill('12 rue Principale');
		await page.getByLabel(label.city, { exact: true }).fill('Montréal');
		await page.getByLabel(label.province).selectOption('QC');
		await page.getByLabel(label.postal).fill('h2x 1y4');
	}
}

/** From the form to the test checkout: the page that stands in for Stripe. */
async function toCheckout(page: Page, language: Language) {
	await page.getByRole('button', { name: LABELS[language].submit }).click();
	await expect(page).toHaveURL(/\/donate\/test-checkout\/[0-9a-f-]{36}$/);
	await expect(
		page.getByText(/^Test checkout — no real payment|^Paiement test — aucun/)
	).toBeVisible();
}

test.describe('giving', () => {
	// Every test gives from 127.0.0.1; a real donor never starts 20 gifts in ten minutes.
	test.beforeEach(async () => {
		await sql(`delete from rate_limit_hits where key like 'donate:%'`);
	});

	for (const language of ['en', 'fr'] as const) {
		const label = LABELS[language];

		test(`gives once with a tax receipt through the test checkout, and the thank-you page says it was received (${language})`, async ({
			page,
			axe,
			javaScriptEnabled
		}) => {
			const email = address(`once-${language}`, javaScriptEnabled);
			await page.goto(label.path);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(label.title);
			// The default amount is chosen, the fees are not covered and the box for news is not ticked.
			await expect(page.getByRole('radio', { name: /^(\$100|100\s\$)\s/ })).toBeChecked();
			await expect(page.getByLabel(label.coverFees)).not.toBeChecked();
			await expect(page.getByLabel(label.consent)).not.toBeChecked();
			await axe();

			await fill(page, language, {
				ladder: language === 'en' ? '$250' : '250 $',
				coverFees: true,
				email,
				receipt: true,
				consent: true,
				tribute: 'Grand-maman Louise'
			});
			if (javaScriptEnabled) {
				// The exact fee and total follow the amount chosen.
				await expect(page.getByLabel(label.coverFees)).toHaveAccessibleDescription(
					language === 'en'
						? 'Adds $7.78, what card processing costs, so that IJM Canada receives your whole $250.'
						: money(
								'Ajoute 7,78 $, ce que coûte le traitement de la carte, pour que IJM Canada reçoive la totalité de vos 250 $.'
							)
				);
				await expect(page.getByRole('status')).toHaveText(
					language === 'en'
						? 'You give $257.78 once, $7.78 of it for the card fees.'
						: money('Vous donnez 257,78 $ une fois, dont 7,78 $ pour les frais de carte.')
				);
			} else {
				await expect(page.getByLabel(label.coverFees)).toHaveAccessibleDescription(
					language === 'en' ? /^Adds 2.9% of the total plus \$0.30/ : /^Ajoute 2,9\s%/
				);
			}
			await toCheckout(page, language);
			await expect(page.getByTestId('test-checkout-total')).toHaveText(
				language === 'en' ? '$257.78, once' : money('257,78 $, une fois')
			);
			await axe();

			await page.getByRole('button', { name: label.pay }).click();
			await expect(page).toHaveURL(
				new RegExp(`${language === 'fr' ? '/fr' : ''}/donate/thanks/[0-9a-f-]{36}$`)
			);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				language === 'en' ? 'Thank you for your gift' : 'Merci de votre don'
			);
			await expect(page.getByTestId('donation-state')).toHaveText(
				language === 'en'
					? 'Your gift of $257.78 to IJM Canada was received.'
					: money('Votre don de 257,78 $ à IJM Canada a été reçu.')
			);
			await expect(page.getByTestId('receipt-note')).toContainText(
				language === 'en' ? /number TEST-\d{4}-\d{6}/ : /numéro TEST-\d{4}-\d{6}/
			);
			await expect(
				page.getByText(
					language === 'en'
						? 'In honour of Grand-maman Louise'
						: 'En l’honneur de Grand-maman Louise'
				)
			).toBeVisible();

			// What the database holds: a test gift, the words of the consent the donor saw.
			const [gift] = await sql(
				`select g.status, g.amount_cents, g.fee_cents, g.test, c.language, c.consent_source,
				        (select wording from consents k where k.supporter_id = g.supporter_id and k.channel = 'email'
				          order by k.given_at desc limit 1) as wording
				   from gifts g join donation_checkouts c on c.id = g.checkout_id
				  where lower(c.email) = $1`,
				[email]
			);
			expect(gift).toMatchObject({
				status: 'succeeded',
				amount_cents: '25778',
				fee_cents: '778',
				test: true,
				language,
				consent_source: '/donate'
			});
			expect(gift.wording).toMatch(
				language === 'en'
					? /^Keep me informed: email me news of IJM Canada’s work/
					: /^Tenez-moi au courant/
			);
		});

		test(`gives monthly through the test checkout, and the thank-you page says the monthly gift is active (${language})`, async ({
			page,
			javaScriptEnabled
		}) => {
			const email = address(`monthly-${language}`, javaScriptEnabled);
			await page.goto(label.path);
			await page.getByRole('radio', { name: label.monthly, exact: true }).check();
			// The monthly amounts replace the one-time ones (CSS, with or without JavaScript).
			await expect(
				page.getByRole('group', {
					name: language === 'en' ? 'Amount of a monthly gift' : 'Montant d’un don mensuel'
				})
			).toBeVisible();
			await expect(
				page.getByRole('group', {
					name: language === 'en' ? 'Amount of a one-time gift' : 'Montant d’un don unique'
				})
			).toBeHidden();
			await fill(page, language, { monthly: true, email });
			await toCheckout(page, language);
			await expect(page.getByTestId('test-checkout-total')).toHaveText(
				language === 'en' ? '$50 each month' : money('50 $ chaque mois')
			);
			// A bank debit is offered for one-time gifts only.
			await expect(page.getByRole('button', { name: label.processing })).toHaveCount(0);
			await page.getByRole('button', { name: label.pay }).click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				language === 'en' ? 'Thank you for giving monthly' : 'Merci de donner chaque mois'
			);
			await expect(page.getByTestId('donation-state')).toHaveText(
				language === 'en'
					? 'Your monthly gift of $50 is active: the first payment was received.'
					: money('Votre don mensuel de 50 $ est actif : le premier paiement a été reçu.')
			);
			const [monthly] = await sql(
				`select r.status, r.amount_cents, r.test from recurring_gifts r
				   join donation_checkouts c on c.id = r.checkout_id where lower(c.email) = $1`,
				[email]
			);
			expect(monthly).toEqual({ status: 'active', amount_cents: '5000', test: true });
		});

		test(`says what is wrong next to each field, in the reader's language, and keeps what was typed (${language})`, async ({
			page,
			javaScriptEnabled
		}) => {
			const email = address(`invalid-${language}`, javaScriptEnabled);
			const other = page.getByLabel(label.other);
			const cases = [
				{
					amount: '4',
					message:
						language === 'en'
							? 'The smallest gift we can take online is $5.'
							: money('Le plus petit don que nous pouvons recevoir en ligne est de 5 $.')
				},
				{
					amount: '30000',
					message:
						language === 'en'
							? 'The largest gift we can take online is $25,000. For a larger gift, please contact us.'
							: money(
									'Le plus grand don que nous pouvons recevoir en ligne est de 25 000 $. Pour un don plus important, communiquez avec nous.'
								)
				},
				{
					amount: 'beaucoup',
					message:
						language === 'en'
							? 'Enter an amount in dollars, like 40 or 40.50.'
							: 'Entrez un montant en dollars, par exemple 40 ou 40,50.'
				}
			];
			await page.goto(label.path);
			for (const { amount, message } of cases) {
				await other.fill(amount);
				await page.getByLabel(label.email, { exact: true }).fill(email);
				await page.getByRole('button', { name: label.submit }).click();
				await expect(page.getByRole('alert')).toContainText(label.formError);
				await expect(other).toHaveAttribute('aria-invalid', 'true');
				await expect(other).toHaveAccessibleDescription(
					new RegExp(
						`${message instanceof RegExp ? message.source : message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`
					)
				);
				await expect(other).toHaveValue(amount);
				await expect(page.getByLabel(label.email, { exact: true })).toHaveValue(email);
			}

			// A receipt without a name and address: each missing field says so.
			await other.fill('40');
			await page.getByLabel(label.first, { exact: true }).fill('');
			await page.getByLabel(label.receipt).check();
			await page.getByRole('button', { name: label.submit }).click();
			await expect(page.getByRole('alert')).toContainText(label.formError);
			const missing: [string, string][] =
				language === 'en'
					? [
							[label.first, 'A tax receipt needs your first name.'],
							[label.line1, 'A tax receipt needs your street address.'],
							[label.city, 'A tax receipt needs your city.'],
							[label.province, 'A tax receipt needs your province or territory.'],
							[label.postal, 'A tax receipt needs your postal code.']
						]
					: [
							[label.first, 'Un reçu fiscal exige votre prénom.'],
							[label.line1, 'Un reçu fiscal exige votre adresse.'],
							[label.city, 'Un reçu fiscal exige votre ville.'],
							[label.province, 'Un reçu fiscal exige votre province ou territoire.'],
							[label.postal, 'Un reçu fiscal exige votre code postal.']
						];
			for (const [field, message] of missing) {
				const input = page.getByLabel(field, { exact: true });
				await expect(input).toHaveAttribute('aria-invalid', 'true');
				await expect(input).toHaveAccessibleDescription(message);
			}
			await expect(page.getByLabel(label.receipt)).toBeChecked();
			await expect(other).toHaveValue('40');
			// Nothing was started.
			expect(
				await sql('select count(*)::int as n from donation_checkouts where lower(email) = $1', [
					email
				])
			).toEqual([{ n: 0 }]);
		});

		test(`a bank debit is processing, then fails: the thank-you page says so each time (${language})`, async ({
			page,
			javaScriptEnabled
		}) => {
			const say = THANKS[language];
			await page.goto(label.path);
			await fill(page, language, {
				other: language === 'en' ? '42.50' : '42,50',
				email: address(`debit-${language}`, javaScriptEnabled)
			});
			await toCheckout(page, language);
			await expect(page.getByTestId('test-checkout-total')).toHaveText(money(say.total));

			// A declined card stays on the checkout with Stripe's message; nothing is recorded.
			await page.getByRole('button', { name: label.decline }).click();
			await expect(page.getByRole('alert')).toContainText(say.declined);
			const checkoutPath = new URL(page.url()).pathname;
			const checkoutId = checkoutPath.split('/').at(-1)!;
			const thanksPath = `${language === 'fr' ? '/fr' : ''}/donate/thanks/${checkoutId}`;

			// Back before Stripe said anything: the page waits, says so, and never refreshes itself.
			await page.goto(thanksPath);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(say.waiting);
			await expect(page.getByRole('link', { name: say.checkAgain })).toHaveAttribute(
				'href',
				thanksPath
			);
			await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);

			await page.goto(checkoutPath);
			await page.getByRole('button', { name: label.processing }).click();
			await expect(page).toHaveURL(thanksPath);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(say.processing);
			await expect(page.getByTestId('donation-state')).toHaveText(money(say.processingLead));
			await page.getByRole('button', { name: label.settleFail }).click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(say.failed);
			await expect(page.getByTestId('donation-state')).toHaveText(money(say.failedLead));
			await expect(page.getByRole('link', { name: say.tryAgain })).toHaveAttribute(
				'href',
				label.path
			);
			// The test checkout is done with it.
			await page.goto(checkoutPath);
			await expect(page.getByText(say.closed)).toBeVisible();
		});
	}

	test('a campaign’s give button presets the designation, and the campaign shows what it raised', async ({
		page,
		javaScriptEnabled
	}) => {
		await page.goto(`/fr/campaigns/${CAMPAIGN}`);
		const raised = page.getByTestId('campaign-raised');
		// Test gifts never count: what real gifts raised (none on this site).
		await expect(raised).toContainText(money('0 $ recueillis'));
		await expect(raised).toContainText(money('Objectif : 50 000 $'));
		await page.getByRole('link', { name: 'Donner à cette campagne' }).click();
		await expect(page).toHaveURL(`/fr/donate?campaign=${CAMPAIGN}`);
		await expect(page.getByLabel(LABELS.fr.designation)).toHaveValue(CAMPAIGN);
		await expect(page.getByLabel(LABELS.fr.designation).locator('option:checked')).toHaveText(
			CAMPAIGN_TITLE.fr
		);

		await fill(page, 'fr', { email: address('campaign', javaScriptEnabled) });
		await toCheckout(page, 'fr');
		await expect(page.getByText(`Don à IJM Canada : ${CAMPAIGN_TITLE.fr}`)).toBeVisible();
		await page.getByRole('button', { name: LABELS.fr.pay }).click();
		await expect(page.getByRole('link', { name: CAMPAIGN_TITLE.fr })).toBeVisible();

		await page.goto(`/fr/campaigns/${CAMPAIGN}`);
		await expect(raised).toContainText(money('0 $ recueillis'));
	});

	test('an unknown campaign in the link leaves the gift where it is most needed; a closed test checkout is not found', async ({
		page
	}) => {
		await page.goto('/donate?campaign=no-such-campaign');
		await expect(page.getByLabel(LABELS.en.designation)).toHaveValue('');
		const response = await page.goto('/donate/test-checkout/00000000-0000-4000-8000-000000000000');
		expect(response?.status()).toBe(404);
		const thanks = await page.goto('/donate/thanks/not-a-checkout');
		expect(thanks?.status()).toBe(404);
	});

	test('too many gifts from one connection are refused with a clear message, and what was typed is kept', async ({
		page,
		javaScriptEnabled
	}) => {
		const email = address('rate', javaScriptEnabled);
		// As if this connection had started 20 gifts in the last ten minutes.
		await sql(
			`insert into rate_limit_hits (key, window_start, count)
			 values ('donate:ip:127.0.0.1', to_timestamp(floor(extract(epoch from now()) / 600) * 600), 20)`
		);
		await page.goto('/donate');
		await fill(page, 'en', { email });
		await page.getByRole('button', { name: LABELS.en.submit }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'Too many gifts were started from your connection in the last few minutes. Please wait ten minutes and try again; what you typed is still here.'
		);
		await expect(page.getByLabel(LABELS.en.email, { exact: true })).toHaveValue(email);
	});
});

/** The charity as registered with the CRA, set for the receipt test (as an admin would). */
const CHARITY = {
	address: '123 Charity Street, Toronto ON M5V 2T6',
	registration: '123456789RR0001',
	location: 'Toronto, Ontario',
	signatory: 'Jane Receipt-Signer',
	title: 'Executive Director'
};

/** What each language's receipt says, beside the values. */
const RECEIPT = {
	en: {
		statement: 'Official receipt for income tax purposes',
		labels: [
			'Receipt No.',
			'Date issued',
			'Place of issue',
			'Date gift received',
			'Donor’s name and address',
			'Amount of gift',
			'Value and description of advantage',
			'Eligible amount of gift for tax purposes',
			'Authorized signature'
		],
		amount: '$250.00',
		cra: 'canada.ca/charities-giving'
	},
	fr: {
		statement: 'Reçu officiel aux fins de l’impôt sur le revenu',
		labels: [
			'Date de délivrance',
			'Lieu de délivrance',
			'Date de réception du don',
			'Nom et adresse du donateur',
			'Montant du don',
			'Valeur et description de l’avantage',
			'Montant admissible du don aux fins de l’impôt',
			'Signature autorisée'
		],
		amount: '250,00 $',
		cra: 'canada.ca/organismes-bienfaisance-dons'
	}
} as const;

test.describe('the tax receipt', () => {
	test.beforeEach(async () => {
		await sql(`delete from rate_limit_hits where key like 'donate:%'`);
		await sql(
			`update donation_settings set charity_address = $1, registration_number = $2,
			        receipt_location = $3, signatory_name = $4, signatory_title = $5`,
			[CHARITY.address, CHARITY.registration, CHARITY.location, CHARITY.signatory, CHARITY.title]
		);
	});
	test.afterEach(async () => {
		await sql(
			`update donation_settings set charity_address = null, registration_number = null,
			        receipt_location = null, signatory_name = null, signatory_title = null`
		);
	});

	for (const language of ['en', 'fr'] as const) {
		test(`comes by email in the mail viewer, with a PDF carrying every field the CRA requires (${language})`, async ({
			page,
			javaScriptEnabled
		}) => {
			const words = RECEIPT[language];
			const email = address(`receipt-${language}`, javaScriptEnabled);
			await page.goto(LABELS[language].path);
			await fill(page, language, {
				ladder: language === 'en' ? '$250' : '250 $',
				email,
				receipt: true
			});
			await toCheckout(page, language);
			await page.getByRole('button', { name: LABELS[language].pay }).click();
			const note = page.getByTestId('receipt-note');
			await expect(note).toContainText(/TEST-\d{4}-\d{6}/);
			const serial = /TEST-\d{4}-\d{6}/.exec((await note.textContent()) ?? '')![0];

			await page.goto('/dev/mail');
			const rows = page.getByRole('row').filter({ hasText: email });
			await expect(rows).toHaveCount(1);
			await rows.getByRole('link').click();
			await expect(page.locator('pre')).toContainText(serial);
			const attachment = page.getByRole('link', { name: `receipt-${serial}.pdf` });
			await expect(attachment).toBeVisible();
			const download = await page.request.get(
				new URL((await attachment.getAttribute('href'))!, page.url()).href
			);
			expect(download.headers()['content-type']).toBe('application/pdf');
			// Lines as the PDF wraps them do not matter: one space for any run of them.
			const text = (await pdfText(await download.body())).replace(/\s+/g, ' ');

			const today = new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
				dateStyle: 'long',
				timeZone: 'America/Toronto'
			})
				.format(new Date())
				.replace(/[\u00a0\u202f]/g, ' ');
			// The statement, the charity as registered, the serial, where and when it was
			// issued, when the gift was received, the donor, the amounts, the signature and the CRA.
			for (const expected of [
				words.statement,
				'International Justice Mission Canada',
				CHARITY.address,
				CHARITY.registration,
				serial,
				CHARITY.location,
				today,
				'Marie Tremblay',
				'12 rue Principale',
				'Montréal QC H2X 1Y4',
				words.amount,
				CHARITY.signatory,
				CHARITY.title,
				words.cra,
				...words.labels
			]) {
				expect(text, `the receipt says “${expected}”`).toContain(expected);
			}
			// A test gift's receipt is never an official one.
			expect(text).toContain(language === 'en' ? 'SAMPLE' : 'SPÉCIMEN');
		});
	}
});
