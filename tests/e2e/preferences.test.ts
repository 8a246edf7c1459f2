import { expect, test } from './fixtures.ts';
import { sql } from './staff.ts';

// The preference centre a supporter reaches from any broadcast (/preferences/<their
// email token>, no password): topics, language, unsubscribing from all and
// subscribing again, and their consent history. Each test runs with JavaScript on
// and off.

async function supporter(name: string, javaScriptEnabled: boolean) {
	const email = `${name}.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now()}@example.org`;
	const [row] = await sql(
		`insert into supporters (email, first_name, language) values ($1, 'Paulette', 'en')
		 returning id, email_token`,
		[email]
	);
	await sql(
		`insert into consents (supporter_id, channel, status, kind, source, wording, language)
		 values ($1, 'email', 'granted', 'express', '/petitions/courts/thanks', 'Yes, email me results updates.', 'en')`,
		[row.id]
	);
	return { id: row.id as string, email, token: row.email_token as string };
}

test.describe('email preferences', () => {
	test('a supporter stops one topic and switches to French, and sees it saved in French with their history', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const person = await supporter('topics', javaScriptEnabled);
		await page.goto(`/preferences/${person.token}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your email preferences');
		// Enough of the address to recognise it, not the whole of it.
		await expect(page.getByText(`For t•••@example.org`)).toBeVisible();
		await expect(page.getByText(person.email)).toHaveCount(0);
		await expect(page.getByRole('checkbox', { name: 'Results and impact' })).toBeChecked();
		await expect(page.getByRole('checkbox', { name: 'Campaigns and petitions' })).toBeChecked();
		await expect(page.getByRole('checkbox', { name: 'Appeals and giving' })).toBeChecked();
		await expect(
			page.getByText('Urgent appeals, matched gifts and news about giving.')
		).toBeVisible();
		await expect(page.getByRole('radio', { name: 'English' })).toBeChecked();
		await axe();

		await page.getByRole('checkbox', { name: 'Campaigns and petitions' }).uncheck();
		await page.getByRole('radio', { name: 'Français' }).check();
		await page.getByRole('button', { name: 'Save my choices' }).click();

		await expect(page).toHaveURL(new RegExp(`/fr/preferences/${person.token}\\?saved=choices$`));
		await expect(page.getByRole('status')).toHaveText('Vos choix sont enregistrés.');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vos préférences de courriel');
		await expect(page.getByRole('checkbox', { name: 'Campagnes et pétitions' })).not.toBeChecked();
		await expect(page.getByRole('checkbox', { name: 'Résultats et impact' })).toBeChecked();
		await expect(page.getByRole('radio', { name: 'Français' })).toBeChecked();

		// The history: when, what, where, and the exact words (as shown then, in English).
		const rows = page.getByRole('table').getByRole('row');
		await expect(rows).toHaveCount(3);
		await expect(rows.nth(1)).toContainText('Cessé de recevoir : Campagnes et pétitions');
		await expect(rows.nth(1)).toContainText('Page des préférences de courriel');
		await expect(rows.nth(1)).toContainText(
			'Unticked “Campaigns and petitions: New petitions, campaign news, and what happened when they were delivered.” in my email preferences.'
		);
		await expect(rows.nth(2)).toContainText('Abonnement');
		await expect(rows.nth(2)).toContainText('/petitions/courts/thanks');
		await expect(rows.nth(2)).toContainText('Yes, email me results updates.');

		const [saved] = await sql(
			`select s.language, array(select topic from supporter_topic_optouts o where o.supporter_id = s.id) as optouts
			 from supporters s where s.id = $1`,
			[person.id]
		);
		expect(saved).toEqual({ language: 'fr', optouts: ['campaigns'] });
	});

	test('a supporter unsubscribes from all email, then subscribes again', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const person = await supporter('all', javaScriptEnabled);
		await page.goto(`/preferences/${person.token}`);
		await page.getByRole('button', { name: 'Unsubscribe from all email' }).click();

		await expect(page.getByRole('status')).toHaveText(
			'Your choices are saved: you are unsubscribed from all our email.'
		);
		await expect(page.getByText('You have unsubscribed from all our email.')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Unsubscribe from all email' })).toHaveCount(0);
		await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText(
			'Unsubscribed from all email'
		);
		const consent = async () =>
			(await sql('select email_consent from supporters where id = $1', [person.id]))[0]
				.email_consent;
		expect(await consent()).toBe('withdrawn');
		await axe();

		await expect(page.getByRole('heading', { name: 'Subscribe again' })).toBeVisible();
		await page.getByRole('button', { name: 'Subscribe again' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Your choices are saved: you are subscribed again.'
		);
		await expect(page.getByRole('button', { name: 'Unsubscribe from all email' })).toBeVisible();
		await expect(page.getByRole('table').getByRole('row').nth(1)).toContainText(
			/Yes, email me updates from .+ on the topics I chose\. I can unsubscribe at any time\./
		);
		expect(await consent()).toBe('granted');
	});

	test('the unsubscribe page leads to the preference centre', async ({
		page,
		javaScriptEnabled
	}) => {
		const person = await supporter('from-unsubscribe', javaScriptEnabled);
		await page.goto(`/fr/email/unsubscribe/${person.token}`);
		await page.getByRole('link', { name: 'Gérer vos préférences de courriel' }).click();
		await expect(page).toHaveURL(new RegExp(`/fr/preferences/${person.token}$`));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vos préférences de courriel');
	});

	test('an unknown link is a friendly page not found, in the reader’s language', async ({
		page,
		axe
	}) => {
		const response = await page.goto(`/preferences/${'f'.repeat(64)}`);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link does not work');
		await expect(page.getByRole('link', { name: 'Go to the home page' })).toBeVisible();
		await axe();

		const french = await page.goto(`/fr/preferences/not-a-token`);
		expect(french?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ce lien ne fonctionne pas');
		await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');
	});
});
