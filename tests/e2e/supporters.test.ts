import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// The supporter CRM as staff use it: filter, tag, save a segment, export it,
// merge two records of one person, and ask lapsing supporters to stay.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function addSupporters(
	rows: { email: string; first: string; last: string; province: string }[]
) {
	const ids: string[] = [];
	for (const row of rows) {
		const [{ id }] = await sql(
			`insert into supporters (email, first_name, last_name, province) values ($1, $2, $3, $4) returning id`,
			[row.email, row.first, row.last, row.province]
		);
		ids.push(id);
	}
	return ids;
}

test.describe('supporter lists', () => {
	test('a campaigner filters, tags everyone who matches, saves the filter as a segment and exports it', async ({
		page,
		axe
	}) => {
		const marker = `f${unique()}`;
		await addSupporters([
			{ email: `a.${marker}@example.org`, first: 'Awa', last: marker, province: 'QC' },
			{ email: `b.${marker}@example.org`, first: 'Binh', last: marker, province: 'QC' },
			{ email: `c.${marker}@example.org`, first: 'Cora', last: marker, province: 'ON' }
		]);
		await signIn(page, addStaff('campaigner'));

		await page.goto(`/admin/supporters?q=${marker}`);
		await expect(page.getByRole('status').first()).toHaveText('3 supporters match');
		await page.getByRole('checkbox', { name: 'QC' }).check();
		await page.getByRole('search').getByRole('button', { name: 'Apply' }).click();
		await expect(page).toHaveURL(/province=QC/);
		await expect(page.getByText('2 supporters match')).toBeVisible();
		await axe();

		// Tagging with nobody ticked is explained, next to the choice.
		const tagging = page.getByRole('form', { name: 'Tag supporters' });
		await tagging.getByLabel('Tag', { exact: true }).fill(`volunteer-${marker}`);
		await tagging.getByRole('button', { name: 'Apply' }).click();
		await expect(page.getByRole('form', { name: 'Tag supporters' })).toContainText(
			'Tick at least one supporter, or choose all that match.'
		);
		await expect(
			page.getByRole('form', { name: 'Tag supporters' }).getByLabel('Tag', { exact: true })
		).toHaveValue(`volunteer-${marker}`);
		await page
			.getByRole('form', { name: 'Tag supporters' })
			.getByRole('radio', { name: 'To all 2 that match' })
			.check();
		await page
			.getByRole('form', { name: 'Tag supporters' })
			.getByRole('button', { name: 'Apply' })
			.click();
		await expect(page.getByText(`“volunteer-${marker}” added to 2 supporters.`)).toBeVisible();
		await expect(page.getByRole('row').filter({ hasText: `volunteer-${marker}` })).toHaveCount(2);

		// A segment needs a name; the filter is kept while it is asked for.
		const saving = () => page.getByRole('form', { name: 'Save as a segment' });
		await saving().getByRole('button', { name: 'Save as a new segment' }).click();
		await expect(saving()).toContainText('Name the segment.');
		await saving().getByLabel('Segment name').fill(`Quebec ${marker}`);
		await saving().getByRole('button', { name: 'Save as a new segment' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Segment: Quebec ${marker}`);
		await expect(page.getByText('2 supporters match')).toBeVisible();
		await axe();

		await page.getByRole('link', { name: 'Segments' }).first().click();
		const row = page.getByRole('row').filter({ hasText: `Quebec ${marker}` });
		await expect(row).toContainText('QC');
		await expect(row.getByRole('cell').nth(2)).toHaveText('2');
		await axe();
		const downloading = page.waitForEvent('download');
		await row.getByRole('link', { name: `Export CSV: Quebec ${marker}` }).click();
		const csv = readFileSync(await (await downloading).path(), 'utf8');
		const lines = csv
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\n');
		expect(lines).toHaveLength(3);
		expect(
			lines
				.slice(1)
				.map((line) => line.split(',')[0])
				.sort()
		).toEqual([`a.${marker}@example.org`, `b.${marker}@example.org`]);
		expect(lines[1]).toContain(`volunteer-${marker}`);
	});

	test('staff add and remove a tag on one supporter; a viewer cannot, even by a handcrafted POST', async ({
		page,
		baseURL
	}) => {
		const marker = `t${unique()}`;
		const [id] = await addSupporters([
			{ email: `${marker}@example.org`, first: 'Tala', last: marker, province: 'BC' }
		]);
		await signIn(page, addStaff('campaigner'));
		await page.goto(`/admin/supporters/${id}`);
		const tags = page.getByRole('region', { name: 'Tags' });
		await tags.getByLabel('Add a tag').fill('Board prospect');
		await tags.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(tags.getByRole('listitem')).toHaveText(['Board prospect ×']);
		await tags.getByRole('button', { name: 'Remove the tag Board prospect' }).click();
		await expect(tags).toContainText('No tag.');

		await page.context().clearCookies();
		await signIn(page, addStaff('viewer'));
		await page.goto(`/admin/supporters/${id}`);
		await expect(page.getByLabel('Add a tag')).toHaveCount(0);
		await expect(page.getByRole('form', { name: 'Tag supporters' })).toHaveCount(0);
		const refused = await page.request.post(`/admin/supporters/${id}?/tag`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { tag: 'sneaky' }
		});
		expect(refused.status()).toBe(403);
		const bulk = await page.request.post(`/admin/supporters?/tag`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { tag: 'sneaky', change: 'add', scope: 'all', filter: '' }
		});
		expect(bulk.status()).toBe(403);
		expect(await sql(`select 1 from tags where name = 'sneaky'`)).toEqual([]);
	});
});

test.describe('merging', () => {
	test('an admin merges a duplicate record into a supporter; everything of both stays on one record', async ({
		page,
		axe
	}) => {
		const marker = `m${unique()}`;
		const [survivor, duplicate] = await addSupporters([
			{ email: `ana.${marker}@example.org`, first: 'Ana', last: marker, province: 'NS' },
			{ email: `ana.work.${marker}@example.org`, first: 'Ana', last: marker, province: 'NS' }
		]);
		await sql(
			`insert into supporter_notes (supporter_id, body) values ($1, 'Met at the Halifax event.')`,
			[duplicate]
		);
		await signIn(page, addStaff('admin'));
		await page.goto(`/admin/supporters/${survivor}`);
		const merging = page.getByRole('region', { name: 'Merge a duplicate into this supporter' });
		await merging.getByLabel('Email address of the other record').fill(`ana.${marker}@example.org`);
		await merging.getByRole('button', { name: 'Find it' }).click();
		await expect(
			page.getByRole('region', { name: 'Merge a duplicate into this supporter' })
		).toContainText('That is this supporter');

		await page
			.getByLabel('Email address of the other record')
			.fill(`ANA.WORK.${marker}@example.org`);
		await page.getByRole('button', { name: 'Find it' }).click();
		await expect(page.getByText(`Ana ${marker} (ana.work.${marker}@example.org)`)).toContainText(
			'1 notes'
		);
		await axe();
		await page
			.getByRole('button', { name: `Merge ana.work.${marker}@example.org into this supporter` })
			.click();
		await expect(
			page.getByText(`Merged. Everything of ana.work.${marker}@example.org`)
		).toBeVisible();
		const timeline = page.getByRole('region', { name: 'Timeline' });
		await expect(timeline).toContainText(
			`Merged with the record of ana.work.${marker}@example.org`
		);
		await expect(timeline).toContainText('Met at the Halifax event.');
		expect(await sql('select 1 from supporters where id = $1', [duplicate])).toEqual([]);
	});

	test('a campaigner is not offered a merge, and cannot do one by hand', async ({
		page,
		baseURL
	}) => {
		const marker = `n${unique()}`;
		const [one, two] = await addSupporters([
			{ email: `one.${marker}@example.org`, first: 'One', last: marker, province: 'PE' },
			{ email: `two.${marker}@example.org`, first: 'Two', last: marker, province: 'PE' }
		]);
		await signIn(page, addStaff('campaigner'));
		await page.goto(`/admin/supporters/${one}`);
		await expect(
			page.getByRole('region', { name: 'Merge a duplicate into this supporter' })
		).toHaveCount(0);
		const refused = await page.request.post(`/admin/supporters/${one}?/merge`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { duplicate: two, email: `two.${marker}@example.org` }
		});
		expect(refused.status()).toBe(403);
		expect(await sql('select 1 from supporters where id = $1', [two])).toHaveLength(1);
	});
});

test.describe('implied consent ending (CASL)', () => {
	test('staff ask lapsing supporters once; the supporter keeps hearing from us with one tick', async ({
		page,
		axe
	}) => {
		const marker = `r${unique()}`;
		const email = `lapsing.${marker}@example.org`;
		const [id] = await addSupporters([{ email, first: 'Lena', last: marker, province: 'MB' }]);
		await sql(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, expires_at, given_at)
			 values ($1, 'email', 'granted', 'implied', 'gift', 'Thank you for your gift.', 'en',
			         now() + interval '20 days', now() - interval '710 days')`,
			[id]
		);
		await signIn(page, addStaff('campaigner'));
		await page.goto('/admin/supporters');
		await page.getByRole('link', { name: 'Implied consent ending in 60 days' }).click();
		const row = page.getByRole('row').filter({ hasText: email });
		await expect(row).toContainText('Not yet');
		await axe();
		await page.getByRole('button', { name: /^Ask the \d+ not yet asked$/ }).click();
		await expect(page.getByText(/re-permission emails are on their way/)).toBeVisible();
		await expect(page.getByRole('row').filter({ hasText: email })).not.toContainText('Not yet');
		await expect(page.getByRole('button', { name: /^Ask the \d+ not yet asked$/ })).toHaveCount(0);

		await page.goto('/dev/mail');
		await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
		const text = (await page.locator('pre').textContent()) ?? '';
		expect(text).toContain('our permission to email you');
		const link = /https?:\/\/\S+\/email\/keep\/[a-f0-9]+/.exec(text)?.[0];
		expect(link, 'the email carries the keep link').toBeTruthy();

		await page.context().clearCookies();
		await page.goto(new URL(link!).pathname);
		await page.getByRole('button', { name: 'Confirm' }).click();
		await expect(page.getByText('Tick the box to confirm.')).toBeVisible();
		await page.getByRole('checkbox').check();
		await page.getByRole('button', { name: 'Confirm' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Thank you. You will keep getting our updates, until you unsubscribe.'
		);
		expect(
			await sql(`select email_consent, email_consent_expires_at from supporters where id = $1`, [
				id
			])
		).toEqual([{ email_consent: 'granted', email_consent_expires_at: null }]);
		const [latest] = await sql(
			`select kind, source, wording from consents where supporter_id = $1 order by id desc limit 1`,
			[id]
		);
		expect(latest).toMatchObject({ kind: 'express', source: 'email:repermission' });
		expect(latest.wording).toMatch(/^Yes, email me results updates and news from /);
	});
});
