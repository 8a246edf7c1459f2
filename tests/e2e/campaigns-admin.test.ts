import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Campaigns and petitions as staff run them: written in both languages side by
// side, published, watched (signatures a day, sources, referrals), delivered to
// the target with a signer list and a package whose checksum matches it, and
// marked delivered with an update supporters see. Every step works with
// JavaScript on and off (each test runs in both projects).

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const english = (page: Page) => page.getByRole('group', { name: 'In English' });
const french = (page: Page) => page.getByRole('group', { name: 'In French' });

/** Signatures made as the signing flow would leave them (that flow is tested on its own). */
async function addSignatures(petitionId: string, marker: string) {
	const signers = [
		{
			first: 'Awa',
			last: 'Diallo',
			province: 'QC',
			postal: 'H2X 1Y4',
			show: true,
			source: 'direct'
		},
		{
			first: 'Binh',
			last: 'Tran',
			province: 'ON',
			postal: 'K1A 0B1',
			show: false,
			source: 'share:whatsapp'
		},
		{ first: 'Cora', last: 'Lee', province: 'BC', postal: 'V5K 0A1', show: true, source: 'direct' }
	];
	let referrer: number | null = null;
	for (const [index, signer] of signers.entries()) {
		const [supporter] = await sql(
			`insert into supporters (email, first_name, last_name, province) values ($1, $2, $3, $4) returning id`,
			[
				`${signer.first.toLowerCase()}.${marker}@example.org`,
				signer.first,
				signer.last,
				signer.province
			]
		);
		const [signature] = await sql(
			`insert into petition_signatures (petition_id, supporter_id, show_name, postal_code, source, referred_by,
			   comment, signed_at)
			 values ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(mins => $8)) returning id`,
			[
				petitionId,
				supporter.id,
				signer.show,
				signer.postal,
				signer.source,
				referrer,
				`Comment ${index}`,
				30 - index
			]
		);
		referrer ??= signature.id;
	}
}

test('a campaigner creates a campaign and a petition in both languages, publishes, follows the signatures, delivers it and tells supporters', async ({
	page,
	axe
}) => {
	test.setTimeout(90_000);
	const marker = unique();
	await signIn(page, addStaff('campaigner'));

	// The campaign: a form in both languages side by side; mistakes shown next to the field.
	await page.goto('/admin/campaigns');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
	await axe();
	await page.getByRole('link', { name: 'New campaign' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('New campaign');
	await page.getByLabel('Address (slug)').fill('Not a slug!');
	await page.getByLabel('Donation goal in dollars (optional)').fill('fifty');
	await english(page).getByLabel('Title').fill(`Protect children ${marker}`);
	await english(page).getByLabel('Summary').fill('Children are abused on live video.');
	await english(page).getByLabel('Story').fill('First paragraph.\n\nSecond paragraph.');
	await french(page).getByLabel('Title').fill(`Protéger les enfants ${marker}`);
	await french(page).getByLabel('Summary').fill('Des enfants sont abusés en direct.');
	await page.getByRole('button', { name: 'Create the campaign' }).click();
	await expect(page.getByRole('alert')).toContainText('Some fields need attention');
	await expect(
		page.getByText('Use lowercase letters, digits and single hyphens only')
	).toBeVisible();
	await expect(page.getByText('Enter an amount in dollars, like 50000')).toBeVisible();
	await expect(french(page).getByText('Fill this in.')).toBeVisible();
	// Nothing typed is lost.
	await expect(english(page).getByLabel('Story')).toHaveValue(
		'First paragraph.\n\nSecond paragraph.'
	);
	await expect(french(page).getByLabel('Title')).toHaveValue(`Protéger les enfants ${marker}`);
	await axe();

	await page.getByLabel('Address (slug)').fill(`protect-${marker}`);
	await page.getByLabel('Donation goal in dollars (optional)').fill('50,000');
	await page.getByLabel('Status').selectOption('published');
	await french(page).getByLabel('Story').fill('Premier paragraphe.\n\nDeuxième paragraphe.');
	await page.getByRole('button', { name: 'Create the campaign' }).click();
	await expect(page.getByRole('status')).toHaveText('Campaign created. It is in the audit log.');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Protect children ${marker}`);
	await expect(page.getByLabel('Donation goal in dollars (optional)')).toHaveValue('50000');
	const [campaign] = await sql(
		`select id, goal_cents::int, status, published_at is not null as published from campaigns where slug = $1`,
		[`protect-${marker}`]
	);
	expect(campaign).toMatchObject({ goal_cents: 5_000_000, status: 'published', published: true });
	await axe();

	// The petition, in the campaign, with a deadline on Toronto's clock.
	await page.getByRole('link', { name: 'New petition' }).click();
	await expect(page.getByLabel('Campaign', { exact: true })).toHaveValue(campaign.id);
	await page.getByLabel('Name for staff').fill(`Petition ${marker} (Minister)`);
	await page.getByLabel('Address (slug)').fill('protect-children-online');
	await page.getByLabel('Status').selectOption('published');
	await page.getByLabel('Signature goal (optional)').fill('100');
	await page.getByLabel('Deadline').fill('2027-06-30T23:59');
	await page.getByLabel('Sites allowed to embed it (optional)').fill('http://partner.example.org');
	await english(page).getByLabel('Title').fill(`Act now ${marker}`);
	await english(page).getByLabel('Addressed to').fill('The Minister of Public Safety');
	await english(page).getByLabel('The letter').fill('Dear Minister,\n\nPlease act.');
	await french(page).getByLabel('Title').fill(`Agissez ${marker}`);
	await french(page).getByLabel('Addressed to').fill('Le ministre de la Sécurité publique');
	await french(page).getByLabel('The letter').fill('Monsieur le Ministre,\n\nAgissez.');
	await page.getByRole('button', { name: 'Create the petition' }).click();
	await expect(
		page.getByText("“http://partner.example.org” is not a site's https address.")
	).toBeVisible();
	// The seeded petition has this address already: said plainly, next to the field.
	await expect(page.getByText('This address is already used by another one.')).toHaveCount(0);
	await page.getByLabel('Sites allowed to embed it (optional)').fill('https://partner.example.org');
	await page.getByRole('button', { name: 'Create the petition' }).click();
	await expect(page.getByText('This address is already used by another one.')).toBeVisible();
	await expect(french(page).getByLabel('The letter')).toHaveValue(
		'Monsieur le Ministre,\n\nAgissez.'
	);
	await axe();
	await page.getByLabel('Address (slug)').fill(`act-${marker}`);
	await page.getByRole('button', { name: 'Create the petition' }).click();
	await expect(page.getByRole('status')).toHaveText('Petition created. It is in the audit log.');
	await expect(page.getByLabel('Deadline')).toHaveValue('2027-06-30T23:59');
	await expect(page.getByText('June 30, 2027 at 11:59 p.m. EDT')).toBeVisible();
	const [petition] = await sql(
		`select id, deadline = '2027-07-01T03:59:00Z'::timestamptz as deadline_ok, embed_origins, campaign_id
		   from petitions where slug = $1`,
		[`act-${marker}`]
	);
	expect(petition).toMatchObject({
		deadline_ok: true,
		embed_origins: ['https://partner.example.org'],
		campaign_id: campaign.id
	});

	// Signatures over time, sources and referrals.
	await addSignatures(petition.id, marker);
	await page.reload();
	await expect(page.getByText('Signatures: 3 of a goal of 100 (3%)')).toBeVisible();
	const chart = page.getByRole('figure', { name: 'Signatures a day' });
	const days = await chart.locator('svg rect').count();
	expect(days).toBeGreaterThanOrEqual(1);
	expect(days).toBeLessThanOrEqual(30);
	await chart.getByText('Signatures a day, as a table').click();
	await expect(chart.getByRole('table').getByRole('row')).toHaveCount(days + 1);
	await expect(chart).toContainText(/Signatures (on|from) .*: 3\./);
	const sources = page.getByRole('region', { name: 'Where signatures came from' });
	await expect(sources.getByRole('row', { name: /The petition's page/ })).toContainText('2');
	await expect(sources.getByRole('row', { name: /A shared link \(whatsapp\)/ })).toContainText('1');
	const referrals = page.getByRole('region', { name: 'Referrals' });
	await expect(referrals).toContainText("Signatures that came through a signer's share link: 2.");
	await expect(referrals.getByRole('row', { name: /Awa/ })).toContainText('2');
	await axe();

	// The signer list and the delivery package, whose checksum matches it.
	const delivery = page.getByRole('region', { name: 'Delivery to the target' });
	const csvDownload = page.waitForEvent('download');
	await delivery.getByRole('button', { name: 'Download the signer list (CSV)' }).click();
	const csvBytes = readFileSync(await (await csvDownload).path());
	const csv = csvBytes.toString('utf8');
	expect(csv).not.toContain('@');
	expect(csv).toContain(',Awa,Diallo,QC,H2X,Comment 0');
	expect(csv).toContain(',(name withheld),,ON,K1A,Comment 1');
	expect(csv).not.toContain('Binh');
	const checksum = createHash('sha256').update(csvBytes).digest('hex');

	const pdfDownload = page.waitForEvent('download');
	await delivery.getByRole('button', { name: 'Make the delivery package (PDF)' }).click();
	const pdfBytes = readFileSync(await (await pdfDownload).path());
	expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
	const pdf = await PDFDocument.load(pdfBytes);
	expect(pdf.getSubject()).toContain(checksum);
	expect(pdf.getTitle()).toBe(`Act now ${marker}`);
	await page.reload();
	await expect(
		page.getByRole('region', { name: 'Delivery to the target' }).getByRole('table')
	).toContainText(checksum);
	const exported = await sql(
		`select action, details from audit_log where target = $1 and action in
		   ('petition.signatures_exported', 'petition.package_made') order by id`,
		[petition.id]
	);
	expect(exported.map((entry) => [entry.action, entry.details.sha256])).toEqual([
		['petition.signatures_exported', checksum],
		['petition.package_made', checksum]
	]);

	// Delivered, with the update supporters see, in both languages.
	const mark = page.getByRole('form', { name: 'Mark it delivered or won' });
	await mark.getByLabel('We delivered the petition to its target').check();
	await mark.getByRole('button', { name: 'Mark it and publish the update' }).click();
	await expect(page.getByRole('form', { name: 'Mark it delivered or won' })).toContainText(
		'Fill this in.'
	);
	const again = page.getByRole('form', { name: 'Mark it delivered or won' });
	await again.getByLabel('We delivered the petition to its target').check();
	const inEnglish = again.getByRole('group', { name: 'In English' });
	const inFrench = again.getByRole('group', { name: 'In French' });
	await inEnglish.getByLabel('Title of the update').fill('We delivered 3 signatures');
	await inEnglish.getByLabel('What happened').fill('We met the Minister on Monday.');
	await inFrench.getByLabel('Title of the update').fill('Nous avons remis 3 signatures');
	await inFrench.getByLabel('What happened').fill('Nous avons rencontré le ministre lundi.');
	await again.getByRole('button', { name: 'Mark it and publish the update' }).click();
	await expect(page.getByRole('status')).toHaveText(
		'Marked delivered. Supporters see the update now; it is in the audit log.'
	);
	const updates = page.getByRole('region', { name: 'Updates supporters see' });
	await expect(updates).toContainText('We delivered 3 signatures');
	await expect(updates).toContainText('Nous avons remis 3 signatures');
	await expect(page.getByLabel('We delivered the petition to its target')).toHaveCount(0);
	const [update] = await sql(
		`select u.kind, u.campaign_id, t.title from campaign_updates u
		   join campaign_update_translations t on t.update_id = u.id and t.language = 'fr'
		  where u.petition_id = $1`,
		[petition.id]
	);
	expect(update).toEqual({
		kind: 'delivered',
		campaign_id: campaign.id,
		title: 'Nous avons remis 3 signatures'
	});
	await axe();

	// The staff member's language: the same forms answer in French.
	await page.goto('/fr/admin/campaigns/new');
	await page.getByRole('button', { name: 'Créer la campagne' }).click();
	await expect(page.getByRole('alert')).toContainText('Certains champs sont à revoir');
	await expect(page.getByText('Remplissez ce champ.').first()).toBeVisible();
});

test('a viewer reads a petition’s numbers but cannot change or export anything, even by a handcrafted POST', async ({
	page,
	baseURL
}) => {
	const [seeded] = await sql(`select id from petitions where slug = 'protect-children-online'`);
	const [campaign] = await sql(`select id from campaigns where slug = 'protect-children-online'`);
	await signIn(page, addStaff('viewer'));
	await page.goto('/admin/petitions');
	await expect(page.getByRole('link', { name: 'New petition' })).toHaveCount(0);
	await page
		.getByRole('link', {
			name: 'Protect children from online sexual exploitation (Minister of Public Safety)'
		})
		.click();
	await expect(page.getByRole('figure', { name: 'Signatures a day' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Delivery to the target' })).toHaveCount(0);
	await expect(page.getByRole('form', { name: 'Edit the petition' })).toHaveCount(0);
	await expect(page.getByRole('region', { name: 'The words' })).toContainText(
		'The Minister of Public Safety of Canada'
	);

	const post = (path: string, form: Record<string, string>) =>
		page.request.post(path, { headers: { origin: baseURL!, accept: 'application/json' }, form });
	const refused = [
		await post(`/admin/petitions/${seeded.id}?/mark`, {
			kind: 'won',
			en_title: 'x',
			en_body: 'x',
			fr_title: 'x',
			fr_body: 'x'
		}),
		await post(`/admin/petitions/${seeded.id}?/save`, {
			slug: 'taken-over',
			name: 'x',
			status: 'closed'
		}),
		await post(`/admin/petitions/${seeded.id}/delivery.pdf`, { language: 'en' }),
		await post('/admin/campaigns/new', { slug: 'sneaky', status: 'published' }),
		await post(`/admin/campaigns/${campaign.id}`, { slug: 'sneaky', status: 'closed' }),
		await page.request.get(`/admin/petitions/${seeded.id}/signatures.csv`)
	];
	expect(refused.map((response) => response.status())).toEqual([403, 403, 403, 403, 403, 403]);
	expect(
		await sql(`select slug, status, won_at from petitions where id = $1`, [seeded.id])
	).toEqual([{ slug: 'protect-children-online', status: 'published', won_at: null }]);
	expect(await sql(`select 1 from campaigns where slug = 'sneaky'`)).toEqual([]);
	expect((await page.goto('/admin/petitions/new'))!.status()).toBe(403);
	await page.goto(`/admin/petitions/${seeded.id}`);
});
