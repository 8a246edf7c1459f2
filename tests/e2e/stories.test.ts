import type { Browser } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Stories of people, told safely: the report's voices on /impact; a story written
// by one campaigner, approved by another, published, then withdrawn when the
// person withdraws consent, with staff told on the dashboard. JS on and off.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const day = (offset: number) =>
	new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** /impact as a reader who never signed in sees it (their own browser, their own cache). */
async function publicVoices(browser: Browser, path = '/impact'): Promise<string> {
	const reader = await browser.newPage();
	try {
		await reader.goto(path);
		return (await reader.locator('#voices').textContent()) ?? '';
	} finally {
		await reader.close();
	}
}

test.describe('the voices of the report', () => {
	test('/impact and /fr/impact show Elsa’s words with the pseudonym note, in the page’s language', async ({
		page,
		axe
	}) => {
		await page.goto('/impact');
		const elsa = page
			.getByRole('region', { name: 'Voices' })
			.getByRole('figure')
			.filter({ hasText: 'Do not lose hope.' });
		await expect(elsa).toHaveAttribute('lang', 'en-CA');
		await expect(elsa.locator('blockquote')).toContainText(
			'“Do not lose hope. Don’t think that you are not capable of doing greater things.'
		);
		await expect(elsa.locator('figcaption')).toHaveText(
			/Elsa\*, a survivor of sex trafficking from the Philippines\s*\*A pseudonym/
		);
		await expect(
			page.getByRole('region', { name: 'Voices' }).getByRole('figure').filter({
				hasText: 'General Pol Phie They'
			})
		).toContainText('our will and our responsibility to fight against them');
		await axe();

		await page.goto('/fr/impact');
		const elsaFr = page
			.getByRole('region', { name: 'Des voix' })
			.getByRole('figure')
			.filter({ hasText: 'Ne perdez pas espoir.' });
		await expect(elsaFr).toHaveAttribute('lang', 'fr-CA');
		await expect(elsaFr.locator('blockquote')).toContainText('« Ne perdez pas espoir.');
		await expect(elsaFr.locator('figcaption')).toHaveText(
			/Elsa\*, survivante de la traite à des fins sexuelles, originaire des Philippines\s*\*Un pseudonyme/
		);
	});
});

test.describe('a story told safely', () => {
	test('one campaigner writes it, cannot approve it; a second approves and publishes it; withdrawn consent takes it off /impact and the dashboard says so', async ({
		page,
		browser,
		baseURL,
		axe
	}) => {
		const marker = `w${unique()}`;
		const quote = `Justice came for me too (${marker}).`;
		await signIn(page, addStaff('campaigner', 'author'));
		await page.goto('/admin/stories');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stories');
		await page.getByRole('link', { name: 'New story' }).click();
		await axe();

		await page.getByLabel('Quote in English').fill(quote);
		await page
			.getByLabel('Quote in French')
			.fill(`La justice est venue pour moi aussi (${marker}).`);
		await page.getByLabel('Attribution in English').fill('Joy*, a survivor from Cebu');
		await page.getByLabel('Attribution in French').fill('Joy*, survivante de Cebu');
		await page.getByLabel('The name is a pseudonym').check();
		await page.getByLabel('The place must be hidden').check();
		await page.getByLabel('Consent given on').fill(day(-10));
		await page.getByLabel('Consent given to').fill('Maria Santos, IJM Philippines');
		await page.getByLabel('Consent until').fill(day(365));
		await page.getByRole('button', { name: 'Save as a draft' }).click();

		// The place must be hidden: the city is refused next to each field, the rest kept.
		await expect(page.getByText('The place must be hidden: remove “Cebu”.')).toHaveCount(2);
		await expect(
			page.getByText('Choose at least one use. If the person no longer agrees to any')
		).toBeVisible();
		await expect(page.getByLabel('Quote in English')).toHaveValue(quote);
		await expect(page.getByLabel('Consent given to')).toHaveValue('Maria Santos, IJM Philippines');
		await axe();
		await page.getByLabel('Attribution in English').fill('Joy*, a survivor from the Philippines');
		await page.getByLabel('Attribution in French').fill('Joy*, survivante des Philippines');
		await page.getByLabel('Web pages').check();
		await page.getByRole('button', { name: 'Save as a draft' }).click();

		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Joy*, a survivor from the Philippines'
		);
		const id = /\/admin\/stories\/([0-9a-f-]{36})/.exec(page.url())?.[1];
		expect(id, 'the new story has its page').toBeTruthy();
		await page.getByRole('button', { name: 'Submit for review' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Submitted for review. Another campaigner can now approve it.'
		);

		// The author is not offered the approval, and cannot approve by hand either.
		await expect(page.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
		await expect(page.getByText('Waiting for another campaigner to approve it.')).toBeVisible();
		const selfApproval = await page.request.post(`/admin/stories/${id}?/approve`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: {}
		});
		expect(selfApproval.status()).toBe(403);
		expect(await sql('select reviewed_at from stories where id = $1', [id])).toEqual([
			{ reviewed_at: null }
		]);
		await axe();

		await page.context().clearCookies();
		await signIn(page, addStaff('campaigner', 'reviewer'));
		await page.goto(`/admin/stories/${id}`);
		await page.getByRole('button', { name: 'Approve', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText('Approved. It can now be published.');
		await page.getByRole('button', { name: 'Publish', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText('Published. It is on the site now.');
		expect(await publicVoices(browser)).toContain(quote);

		await page.getByLabel('The person withdrew their consent').check();
		await page.getByRole('button', { name: 'Withdraw consent' }).click();
		await expect(page.getByRole('status')).toContainText('Consent withdrawn.');
		await expect(page.getByText('This story cannot be shown again.')).toBeVisible();
		await axe();
		expect(await publicVoices(browser)).not.toContain(quote);
		expect(await publicVoices(browser, '/fr/impact')).not.toContain(marker);

		await page.getByRole('link', { name: 'Dashboard' }).click();
		await expect(page.getByRole('region', { name: 'Stories' })).toContainText(
			/Joy\*, a survivor from the Philippines:\s+consent withdrawn on .+; hidden from the site and emails/
		);
	});

	test('a consent that has ended is marked on /admin/stories and the dashboard; one ending soon too', async ({
		page
	}) => {
		const author = addStaff('campaigner', 'writer');
		const reviewer = addStaff('campaigner', 'checker');
		const marker = `e${unique()}`;
		const insert = (attribution: string, until: string) =>
			sql(
				`insert into stories (kind, quote_en, quote_fr, attribution_en, attribution_fr,
				   consent_given_on, consent_given_to, consent_web, consent_until,
				   status, created_by, edited_by, reviewed_by, reviewed_at, published_at)
				 select 'survivor', $1, $1, $2, $2, current_date - 100, 'IJM', true, $3::date,
				   'published', a.id, a.id, r.id, now(), now()
				 from staff a, staff r where a.email = $4 and r.email = $5`,
				[`Words ${marker}`, attribution, until, author, reviewer]
			);
		await insert(`Ended ${marker}`, day(-1));
		await insert(`Ending ${marker}`, day(10));

		await signIn(page, addStaff('viewer'));
		const stories = page.getByRole('region', { name: 'Stories' });
		await expect(stories).toContainText(
			new RegExp(`Ended ${marker}:\\s+consent ended on .+; hidden`)
		);
		await expect(stories).toContainText(new RegExp(`Ending ${marker}:\\s+consent ends on`));

		await page.goto('/admin/stories');
		await expect(page.getByRole('row').filter({ hasText: `Ended ${marker}` })).toContainText(
			'Hidden from the site.'
		);
		await expect(page.getByRole('row').filter({ hasText: `Ending ${marker}` })).toContainText(
			'Consent ends soon.'
		);
	});

	test('changing a published story’s words makes it a draft again; a refused change keeps what was typed', async ({
		page,
		axe
	}) => {
		const author = addStaff('campaigner', 'first');
		const reviewer = addStaff('campaigner', 'second');
		const marker = `c${unique()}`;
		const [{ id }] = await sql(
			`insert into stories (kind, quote_en, quote_fr, attribution_en, attribution_fr, hide_place,
			   consent_given_on, consent_given_to, consent_web, consent_until,
			   status, created_by, edited_by, reviewed_by, reviewed_at, published_at)
			 select 'official', $1, $1, $2, $2, true, current_date - 10, 'IJM', true, current_date + 100,
			   'published', a.id, a.id, r.id, now(), now()
			 from staff a, staff r where a.email = $3 and r.email = $4
			 returning id`,
			[`Words ${marker}`, `Officer ${marker}`, author, reviewer]
		);
		await signIn(page, addStaff('campaigner', 'editor'));
		await page.goto(`/admin/stories/${id}`);
		const editing = page.getByRole('region', { name: 'Edit the words' });
		const changed = `We will keep going, in Kampala and beyond (${marker}).`;
		await editing.getByLabel('Quote in English').fill(changed);
		await editing.getByRole('button', { name: 'Save the words' }).click();
		await expect(page.getByText('The place must be hidden: remove “Kampala”.')).toBeVisible();
		await expect(page.getByLabel('Quote in English')).toHaveValue(changed);
		await axe();

		await page.getByLabel('Quote in English').fill(`We will keep going (${marker}).`);
		await page.getByRole('button', { name: 'Save the words' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Saved. The story is a draft again: it stays off the site until another campaigner approves it.'
		);
		await expect(page.getByLabel('Quote in English')).toHaveValue(
			`We will keep going (${marker}).`
		);
		await expect(page.getByRole('button', { name: 'Submit for review' })).toBeVisible();
		expect(await sql('select status, reviewed_by from stories where id = $1', [id])).toEqual([
			{ status: 'draft', reviewed_by: null }
		]);
	});

	test('a viewer reads stories but changes nothing, even by a handcrafted POST', async ({
		page,
		baseURL
	}) => {
		const [elsa] = await sql(`select id from stories where attribution_en like 'Elsa*%'`);
		await signIn(page, addStaff('viewer'));
		await page.goto('/admin/stories');
		await expect(page.getByRole('link', { name: 'New story' })).toHaveCount(0);
		await page
			.getByRole('link', { name: 'Elsa*, a survivor of sex trafficking from the Philippines' })
			.click();
		await expect(
			page.getByRole('heading', { level: 2, name: "The person's consent" })
		).toBeVisible();
		await expect(page.getByRole('button')).toHaveText(['Sign out']);

		for (const action of ['withdraw', 'unpublish', 'consent', 'words']) {
			const refused = await page.request.post(`/admin/stories/${elsa.id}?/${action}`, {
				headers: { origin: baseURL!, accept: 'application/json' },
				form: { confirm: 'on' }
			});
			expect(refused.status(), action).toBe(403);
		}
		const created = await page.request.post('/admin/stories/new', {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { quote_en: 'x' }
		});
		expect(created.status()).toBe(403);
		expect(
			await sql('select status, consent_withdrawn_at from stories where id = $1', [elsa.id])
		).toEqual([{ status: 'published', consent_withdrawn_at: null }]);
	});
});
