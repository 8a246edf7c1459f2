import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Staff write a results update: drafted from the impact figures, written in English
// and French side by side, previewed in both languages, tested, scheduled and
// unscheduled, then sent. Every step works with JavaScript on and off (each test
// runs in both projects). The site has no Resend key: sent mail is in /dev/mail.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const english = (page: Page) => page.getByRole('group', { name: 'English' }).first();
const french = (page: Page) => page.getByRole('group', { name: 'French' }).first();

async function consentingSupporter(marker: string, language: 'en' | 'fr') {
	const [row] = await sql(
		`insert into supporters (email, first_name, language) values ($1, $2, $3) returning id`,
		[`reader.${marker}.${language}@example.org`, language === 'fr' ? 'Élodie' : 'Mark', language]
	);
	await sql(
		`insert into consents (supporter_id, channel, status, source, wording, language)
		 values ($1, 'email', 'granted', '/test', 'Keep me informed.', $2)`,
		[row.id, language]
	);
	return row.id as string;
}

async function startResultsUpdate(page: Page) {
	await page.goto('/admin/emails');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Email updates');
	await page
		.getByRole('radio', { name: /A results update, drafted from the impact figures/ })
		.check();
	await page.getByRole('button', { name: 'Start the draft' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Results update');
}

test.describe('email updates', () => {
	test('a results update is drafted from the figures, previewed in both languages and tested', async ({
		page,
		axe
	}) => {
		const email = addStaff('campaigner', 'writer');
		await signIn(page, email);
		await page
			.getByRole('navigation', { name: 'Staff area' })
			.getByRole('link', { name: 'Emails' })
			.click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Email updates');
		await axe();
		// A figure changed since the last update (another test may have sent one).
		await sql(
			`update impact_metrics set updated_at = now()
			 where key = (select key from impact_metrics where published order by sort limit 1)`
		);
		await startResultsUpdate(page);

		// The draft lists the changed figures with their sources, in both languages.
		await expect(english(page).getByLabel('Body')).toHaveValue(/\]\(https:\/\//);
		await expect(french(page).getByLabel('Body')).toHaveValue(/\]\(https:\/\//);

		const marker = unique();
		await english(page).getByLabel('Subject').fill(`What you changed ${marker}`);
		await french(page).getByLabel('Subject').fill(`Ce que vous avez changé ${marker}`);
		await page.getByRole('button', { name: 'Save draft' }).first().click();
		await expect(page.getByText('Draft saved.')).toBeVisible();

		// The preview shows each language as a sample supporter gets it.
		const previewEn = page.frameLocator('iframe[title="English, variant A"]');
		const previewFr = page.frameLocator('iframe[title="French, variant A"]');
		await expect(previewEn.getByText(`What you changed ${marker}`)).toBeVisible();
		await expect(previewEn.getByText('Hi Sam,')).toBeVisible();
		await expect(previewFr.getByText(`Ce que vous avez changé ${marker}`)).toBeVisible();
		await expect(previewFr.getByText('Bonjour Camille,')).toBeVisible();

		// A test goes to the writer, in both languages, marked as a test.
		await page.getByLabel('Staff addresses').fill(email);
		await page.getByRole('button', { name: 'Send test' }).click();
		await expect(page.getByText(`Test sent to ${email}.`)).toBeVisible();
		await page.goto('/dev/mail');
		const tests = page.getByRole('row').filter({ hasText: email });
		await expect(tests.filter({ hasText: `[Test] What you changed ${marker}` })).toHaveCount(1);
		await expect(tests.filter({ hasText: `[Test] Ce que vous avez changé ${marker}` })).toHaveCount(
			1
		);
	});

	test('the preview follows the typing, and a test of an unfinished draft says what is missing', async ({
		page,
		javaScriptEnabled
	}) => {
		await signIn(page, addStaff('campaigner', 'typist'));
		await startResultsUpdate(page);
		const marker = unique();
		await english(page).getByLabel('Subject').fill(`Typed ${marker}`);
		const previewEn = page.frameLocator('iframe[title="English, variant A"]');
		if (javaScriptEnabled) {
			// No button pressed: the preview follows by itself.
			await expect(previewEn.getByText(`Typed ${marker}`)).toBeVisible();
		} else {
			await page.getByRole('button', { name: 'Update preview: English, variant A' }).click();
			await expect(previewEn.getByText(`Typed ${marker}`)).toBeVisible();
		}

		await french(page).getByLabel('Subject').fill('');
		await page.getByRole('button', { name: 'Send test' }).click();
		await expect(page.getByText(/every language needs a subject and a body/)).toBeVisible();
		await expect(french(page).getByLabel('Subject')).toHaveAccessibleDescription(
			'This field is required.'
		);
		// What was typed is kept, and saved.
		await expect(english(page).getByLabel('Subject')).toHaveValue(`Typed ${marker}`);
	});

	test('a send is scheduled in the charity’s time, unscheduled, then sent now to its audience', async ({
		page,
		browserName,
		javaScriptEnabled,
		axe
	}) => {
		const marker = unique();
		const tag = `readers-${marker}`;
		const readers = [
			await consentingSupporter(marker, 'en'),
			await consentingSupporter(marker, 'fr')
		];
		const [tagRow] = await sql(`insert into tags (name) values ($1) returning id`, [tag]);
		for (const id of readers) {
			await sql(`insert into supporter_tags (supporter_id, tag_id) values ($1, $2)`, [
				id,
				tagRow.id
			]);
		}
		await sql(`insert into segments (name, filter) values ($1, $2)`, [
			`Readers ${marker}`,
			{ tags: [tag] }
		]);

		await signIn(page, addStaff('campaigner', `sender-${browserName}-${javaScriptEnabled}`));
		await startResultsUpdate(page);
		await english(page).getByLabel('Subject').fill(`Scheduled ${marker}`);
		await french(page).getByLabel('Subject').fill(`Programmé ${marker}`);
		await page.getByRole('checkbox', { name: `Readers ${marker} (2)` }).check();
		await page.getByRole('button', { name: 'Save and count again' }).click();
		await expect(
			page.getByText('Will reach 2 supporters (1 in English, 1 in French)')
		).toBeVisible();

		await page.getByLabel('Send on').fill('2099-06-01T09:30');
		await page.getByRole('button', { name: 'Schedule', exact: true }).click();
		await expect(page.getByText(/Scheduled · topic: Results and impact/)).toBeVisible();
		await expect(page.getByText(/goes out Jun 1, 2099, 9:30 a\.m\. EDT/)).toBeVisible();
		await axe();
		const [scheduled] = await sql(
			`select scheduled_at from broadcasts where name like $1 order by created_at desc limit 1`,
			['Results update%']
		);
		expect(new Date(scheduled.scheduled_at).toISOString()).toBe('2099-06-01T13:30:00.000Z');

		await page.getByRole('button', { name: 'Unschedule (back to draft)' }).click();
		await expect(page.getByText(/Draft · topic/)).toBeVisible();
		await expect(english(page).getByLabel('Subject')).toHaveValue(`Scheduled ${marker}`);

		await page.getByRole('button', { name: 'Send now to 2 supporters' }).click();
		await expect(page.getByText(/Sending · topic|Sent · topic/)).toBeVisible();
		await expect(page.getByText('2 of 2 done').or(page.getByText('0 of 2 done'))).toBeVisible();
		await axe();

		// Each reader gets it in their own language.
		await page.goto('/dev/mail');
		await expect(
			page
				.getByRole('row')
				.filter({ hasText: `reader.${marker}.en@example.org` })
				.filter({ hasText: `Scheduled ${marker}` })
		).toHaveCount(1);
		await expect(
			page
				.getByRole('row')
				.filter({ hasText: `reader.${marker}.fr@example.org` })
				.filter({ hasText: `Programmé ${marker}` })
		).toHaveCount(1);
	});

	test('from a petition’s page, its news goes to the people who signed it, in one step', async ({
		page
	}) => {
		const marker = unique();
		const [petition] = await sql(
			`select id, title from petitions where status = 'published' order by created_at limit 1`
		);
		const signer = await consentingSupporter(marker, 'fr');
		await sql(
			`insert into petition_signatures (petition_id, supporter_id, show_name, postal_code, source)
			 values ($1, $2, false, 'H2X 1Y4', 'direct')`,
			[petition.id, signer]
		);
		const [expected] = await sql(
			`select count(*)::int as n from supporters s
			 where exists (select 1 from petition_signatures ps where ps.petition_id = $1 and ps.supporter_id = s.id)
			   and s.email_consent = 'granted' and s.erased_at is null
			   and not exists (select 1 from email_suppressions x where x.email_lower = lower(s.email))
			   and not exists (select 1 from supporter_topic_optouts t where t.supporter_id = s.id and t.topic = 'campaigns')`,
			[petition.id]
		);

		await signIn(page, addStaff('campaigner', 'closer'));
		await page.goto(`/admin/petitions/${petition.id}`);
		await page.getByRole('button', { name: 'Email the signers' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Petition news');
		await expect(page.getByLabel('Signed this petition')).toHaveValue(petition.id);
		await expect(page.getByLabel('Topic')).toHaveValue('campaigns');
		await expect(page.getByText(`Will reach ${expected.n} supporters`)).toBeVisible();
		await expect(english(page).getByLabel('Body')).toHaveValue(/Signatures: \d+/);
	});

	test('a viewer cannot open the email pages', async ({ page }) => {
		await signIn(page, addStaff('viewer', 'onlooker'));
		await expect(
			page.getByRole('navigation', { name: 'Staff area' }).getByRole('link', { name: 'Emails' })
		).toHaveCount(0);
		const response = await page.goto('/admin/emails');
		expect(response?.status()).toBe(403);
	});
});
