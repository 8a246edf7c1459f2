import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Staff's side of donations: gifts made on the test checkout found in the list
// with their total, a refund from the admin that voids the receipt (and replaces
// it after a partial refund), the charity's details that make receipts official,
// monthly renewals on demand, annual receipts, the export, the dashboard, and a
// viewer who can read but not refund.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A gift paid on the local test checkout, as a donor makes it: the checkout row
 * /donate would have written, then "Pay" on the test checkout page.
 */
async function testGift(
	page: Page,
	options: { frequency?: 'one_time' | 'monthly'; amountCents: number; firstName?: string }
) {
	const tag = unique();
	const email = `donor.${tag}@example.org`;
	const lastName = `Giver${tag}`;
	const [checkout] = await sql(
		`insert into donation_checkouts (test, frequency, amount_cents, currency, email, language,
		   wants_receipt, first_name, last_name, address_line1, city, province, postal_code, country)
		 values (true, $1, $2, 'cad', $3, 'en', true, $4, $5, '1 Main Street', 'Ottawa', 'ON', 'K1A 0B1', 'Canada')
		 returning id`,
		[
			options.frequency ?? 'one_time',
			options.amountCents,
			email,
			options.firstName ?? 'Rae',
			lastName
		]
	);
	await page.goto(`/donate/test-checkout/${checkout.id}`);
	await page.getByRole('button', { name: 'Pay (test card succeeds)' }).click();
	await expect(page).toHaveURL(/\/donate\/thanks\//);
	const [gift] = await sql('select id from gifts where checkout_id = $1 order by received_at', [
		checkout.id
	]);
	return { email, name: `${options.firstName ?? 'Rae'} ${lastName}`, giftId: gift.id as string };
}

/** Runs `work`, then puts the donation settings back as they were. */
async function keepingSettings(work: () => Promise<void>) {
	const [before] = await sql('select * from donation_settings');
	try {
		await work();
	} finally {
		await sql(
			`update donation_settings set min_cents = $1, max_cents = $2, fee_percent_bp = $3,
			   fee_fixed_cents = $4, charity_legal_name = $5, charity_address = $6,
			   registration_number = $7, receipt_location = $8, signatory_name = $9, signatory_title = $10`,
			[
				before.min_cents,
				before.max_cents,
				before.fee_percent_bp,
				before.fee_fixed_cents,
				before.charity_legal_name,
				before.charity_address,
				before.registration_number,
				before.receipt_location,
				before.signatory_name,
				before.signatory_title
			]
		);
	}
}

const receiptsOf = (page: Page) =>
	page.getByRole('region', { name: 'Tax receipts' }).getByRole('row');

test.describe('donations, staff side', () => {
	test('an admin sets the charity’s registered details; a bad registration number is explained and nothing typed is lost', async ({
		page,
		axe
	}) => {
		await keepingSettings(async () => {
			await sql(
				`update donation_settings set charity_address = null, registration_number = null,
				   receipt_location = null, signatory_name = null, signatory_title = null`
			);
			const admin = addStaff('admin');
			await signIn(page, admin);
			await page.goto('/admin/donations/settings');
			await expect(page.getByText(/Tax receipts are samples .* until these are set/)).toBeVisible();
			await axe();

			await page.getByLabel('Address as registered').fill('1 Justice Way\nToronto ON M5V 1A1');
			await page.getByLabel('Registration number').fill('12345RR');
			await page.getByLabel('Place where receipts are issued').fill('Toronto, Ontario');
			await page.getByLabel('Name of the person who signs receipts').fill('Pat Signer');
			await page.getByLabel('Their title').fill('Executive Director');
			await page.getByRole('button', { name: 'Save the settings' }).click();
			await expect(page.getByLabel('Registration number')).toHaveAccessibleDescription(
				/Enter the registration number as the CRA gives it: nine digits, RR, four digits, like 123456789RR0001\./
			);
			await expect(page.getByLabel('Registration number')).toHaveValue('12345RR');
			await expect(page.getByLabel('Address as registered')).toHaveValue(
				'1 Justice Way\nToronto ON M5V 1A1'
			);
			await expect(page.getByLabel('Their title')).toHaveValue('Executive Director');

			await page.getByLabel('Registration number').fill('123456789 rr 0001');
			await page.getByRole('button', { name: 'Save the settings' }).click();
			await expect(page.getByRole('status')).toHaveText('Saved. The change is in the audit log.');
			await page.goto('/admin/donations/settings');
			await expect(page.getByLabel('Registration number')).toHaveValue('123456789RR0001');
			await expect(page.getByText(/Tax receipts are samples/)).toHaveCount(0);

			const [entry] = await sql(
				`select a.details from audit_log a join staff s on s.id = a.staff_id
				 where a.action = 'donation_settings.saved' and s.email = $1 order by a.id desc limit 1`,
				[admin]
			);
			expect(entry.details.to).toMatchObject({
				registration_number: '123456789RR0001',
				signatory_name: 'Pat Signer'
			});
		});
	});

	test('an admin adds, changes and removes a suggested amount with what it does in English and French', async ({
		page
	}) => {
		const dollars = 300 + Math.floor(Math.random() * 600);
		try {
			await signIn(page, addStaff('admin'));
			await page.goto('/admin/donations/settings');
			const add = page.locator('form').filter({ hasText: 'Add an amount' });
			await add.getByLabel('Amount', { exact: true }).fill('1');
			await add.getByLabel('What it does, in English').fill('Helps a little.');
			await add.getByLabel('What it does, in French').fill('Aide un peu.');
			await add.getByRole('button', { name: 'Add the amount' }).click();
			await expect(add.getByLabel('Amount', { exact: true })).toHaveAccessibleDescription(
				/A suggested amount must be between the minimum and the maximum/
			);
			await expect(add.getByLabel('What it does, in French')).toHaveValue('Aide un peu.');

			await add.getByLabel('Amount', { exact: true }).fill(String(dollars));
			await add.getByRole('button', { name: 'Add the amount' }).click();
			await expect(page.getByRole('status')).toHaveText(
				'The amount was added. The change is in the audit log.'
			);
			const item = page.getByRole('listitem').filter({ hasText: `$${dollars}` });
			await expect(item).toContainText('Helps a little.');
			await expect(item).toContainText('Aide un peu.');

			await item.getByText(`Change $${dollars}`).click();
			await item.getByLabel('What it does, in English').fill('Helps a survivor a little.');
			await item.getByRole('button', { name: `Save $${dollars}` }).click();
			await expect(page.getByRole('status')).toHaveText(
				'The amount was saved. The change is in the audit log.'
			);
			await expect(page.getByRole('listitem').filter({ hasText: `$${dollars}` })).toContainText(
				'Helps a survivor a little.'
			);

			await page
				.getByRole('listitem')
				.filter({ hasText: `$${dollars}` })
				.getByRole('button', { name: `Remove $${dollars} (Once)` })
				.click();
			await expect(page.getByRole('status')).toHaveText(
				'The amount was removed. The change is in the audit log.'
			);
			await expect(page.getByRole('listitem').filter({ hasText: `$${dollars}` })).toHaveCount(0);
		} finally {
			await sql('delete from donation_amounts where amount_cents = $1', [dollars * 100]);
		}
	});

	test('a test-checkout gift is listed with the right total; a partial refund voids its receipt and a replacement says which it replaces; the rest voids that too', async ({
		page,
		axe
	}) => {
		test.setTimeout(60_000);
		await signIn(page, addStaff('admin'));
		const gift = await testGift(page, { amountCents: 5000 });

		// Test gifts are never in totals: the list shows them only when asked to.
		await page.goto(`/admin/donations?q=${encodeURIComponent(gift.email)}`);
		await expect(page.getByText('Gifts that match: 0')).toBeVisible();
		await expect(page.getByText('Raised: $0')).toBeVisible();
		await page.getByLabel('Test gifts only').check();
		await page.getByRole('button', { name: 'Apply' }).click();
		await expect(page.getByText('Gifts that match: 1')).toBeVisible();
		await expect(page.getByText('Test gifts, never counted: $50')).toBeVisible();
		await expect(
			page.getByRole('figure', { name: 'Test gifts by month (never counted)' })
		).toBeVisible();
		const row = page.getByRole('row').filter({ hasText: gift.email });
		await expect(row).toContainText(gift.name);
		await expect(row).toContainText('$50');
		await axe();

		await row.getByRole('link').click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Gift of \$50 on /);
		await expect(page.getByRole('link', { name: gift.name })).toHaveAttribute(
			'href',
			/\/admin\/supporters\/[0-9a-f-]{36}$/
		);
		await expect(receiptsOf(page)).toHaveCount(2);
		await axe();
		const firstSerial = /TEST-\d{4}-\d{6}/.exec((await receiptsOf(page).nth(1).textContent())!)![0];
		await expect(receiptsOf(page).nth(1)).toContainText('Issued');
		const pdf = await page.request.get(
			(await receiptsOf(page)
				.nth(1)
				.getByRole('link', { name: `Download ${firstSerial} (PDF)` })
				.getAttribute('href'))!
		);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');

		// More than is left is explained next to the amount, and nothing is refunded.
		await page.getByLabel('Amount to refund, in dollars').fill('60');
		await page.getByRole('button', { name: 'Refund…' }).click();
		await expect(page.getByLabel('Amount to refund, in dollars')).toHaveAccessibleDescription(
			/The most that can be refunded is \$50\./
		);

		await page.getByLabel('Amount to refund, in dollars').fill('20');
		await page.getByRole('button', { name: 'Refund…' }).click();
		await expect(
			page.getByText(
				`Refund $20 to ${gift.name}? The money goes back to their card; this cannot be undone. Receipt ${firstSerial} will be voided and a receipt for what is left will replace it.`
			)
		).toBeVisible();
		await axe();
		await page.getByRole('button', { name: 'Yes, refund $20' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Refunded $20. The receipts below show what changed; the refund is in the audit log.'
		);
		const details = page.getByRole('region', { name: 'The gift' });
		await expect(details).toContainText(/Brings in \(after refunds\)\s*\$30/);
		await expect(receiptsOf(page)).toHaveCount(3);
		await expect(receiptsOf(page).nth(1)).toContainText(firstSerial);
		await expect(receiptsOf(page).nth(1)).toContainText('Void: part of the gift was refunded');
		await expect(receiptsOf(page).nth(2)).toContainText(`Cancels and replaces ${firstSerial}`);
		await expect(receiptsOf(page).nth(2)).toContainText('$30');
		await expect(receiptsOf(page).nth(2)).toContainText('Issued');
		const secondSerial = /TEST-\d{4}-\d{6}/.exec(
			(await receiptsOf(page).nth(2).textContent())!
		)![0];

		// The rest: the amount offered is what is left.
		await expect(page.getByLabel('Amount to refund, in dollars')).toHaveValue('30.00');
		await page.getByRole('button', { name: 'Refund…' }).click();
		await expect(page.getByText(`Receipt ${secondSerial} will be voided.`)).toBeVisible();
		await page.getByRole('button', { name: 'Yes, refund $30' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Refunded $30. The receipts below show what changed; the refund is in the audit log.'
		);
		await expect(details).toContainText(/Status\s*Refunded/);
		await expect(receiptsOf(page)).toHaveCount(3);
		await expect(receiptsOf(page).nth(2)).toContainText('Void: the gift was refunded');
		await expect(page.getByRole('heading', { name: 'Refund' })).toHaveCount(0);
		expect(
			await sql(
				`select count(*)::int as n from audit_log where action = 'gift.refund' and target = $1`,
				[gift.giftId]
			)
		).toEqual([{ n: 2 }]);

		await page.goto(`/admin/donations?q=${encodeURIComponent(gift.email)}&test=1`);
		await expect(page.getByText('Test gifts, never counted: $0')).toBeVisible();
	});

	test('a viewer reads a gift but sees no refund or reissue, and a handcrafted refund is refused', async ({
		page,
		baseURL
	}) => {
		await signIn(page, addStaff('viewer'));
		const gift = await testGift(page, { amountCents: 2500 });
		await page.goto(`/admin/donations/${gift.giftId}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Gift of \$25 on /);
		await expect(receiptsOf(page)).toHaveCount(2);
		await expect(page.getByRole('heading', { name: 'Refund' })).toHaveCount(0);
		await expect(page.getByRole('button', { name: /Refund|Reissue/ })).toHaveCount(0);
		await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
		await page.goto(`/fr/admin/donations/${gift.giftId}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Don de 25\s\$ le /);
		await expect(page.getByRole('heading', { name: 'Reçus fiscaux' })).toBeVisible();

		const [receipt] = await sql(
			'select r.id from receipts r join receipt_gifts rg on rg.receipt_id = r.id where rg.gift_id = $1',
			[gift.giftId]
		);
		const headers = { origin: baseURL!, accept: 'application/json' };
		const refund = await page.request.post(`/admin/donations/${gift.giftId}?/refund`, {
			headers,
			form: { amount: '25', confirm: 'yes' }
		});
		expect(refund.status()).toBe(403);
		const reissue = await page.request.post(`/admin/donations/${gift.giftId}?/reissue`, {
			headers,
			form: { receipt: receipt.id }
		});
		expect(reissue.status()).toBe(403);
		expect(
			await sql('select refunded_cents::int as refunded, status from gifts where id = $1', [
				gift.giftId
			])
		).toEqual([{ refunded: 0, status: 'succeeded' }]);
		expect(await sql('select status from receipts where id = $1', [receipt.id])).toEqual([
			{ status: 'issued' }
		]);
		expect((await page.request.get('/admin/donations/settings')).status()).toBe(403);
		expect(
			(await page.request.get(`/admin/donations/export.csv?q=${gift.email}&test=1`)).status()
		).toBe(403);
		// A receipt's PDF has the donor's home address: no link, and 403 when asked for.
		await expect(page.getByRole('link', { name: /Télécharger|Download/ })).toHaveCount(0);
		expect((await page.request.get(`/admin/donations/receipts/${receipt.id}`)).status()).toBe(403);
		const annual = await page.request.post('/admin/donations/receipts?/annual', {
			headers,
			form: { year: '2025' }
		});
		expect(annual.status()).toBe(403);
	});

	test('a test monthly gift renews on demand, paid or declined; failed renewals have their own filter', async ({
		page,
		axe
	}) => {
		test.setTimeout(60_000);
		await signIn(page, addStaff('admin'));
		const gift = await testGift(page, { frequency: 'monthly', amountCents: 3000 });
		await page.goto(`/admin/donations/monthly?q=${encodeURIComponent(gift.email)}`);
		await expect(page.getByText('Monthly gifts that match: 0')).toBeVisible();
		await page.getByLabel('Test monthly gifts only').check();
		await page.getByRole('button', { name: 'Apply' }).click();
		const row = page.getByRole('row').filter({ hasText: gift.email });
		await expect(row).toContainText('$30');
		await expect(row).toContainText('Active');
		await expect(row).toContainText('Payments: 1, $30');
		await axe();

		await row
			.getByRole('button', { name: `Renew now (test): card declined for ${gift.name}` })
			.click();
		await expect(page.getByRole('status').first()).toHaveText(
			'The test renewal failed, as a declined card would: it counts as a failed renewal and the donor is emailed.'
		);
		await expect(page.getByRole('row').filter({ hasText: gift.email })).toContainText(
			'Last failed on'
		);

		await page.getByLabel('Failed renewals only').check();
		await page.getByRole('button', { name: 'Apply' }).click();
		await expect(page.getByRole('row').filter({ hasText: gift.email })).toHaveCount(1);

		await page
			.getByRole('row')
			.filter({ hasText: gift.email })
			.getByRole('button', { name: `Renew now (test): paid for ${gift.name}` })
			.click();
		await expect(page.getByRole('status').first()).toHaveText(
			'The test renewal was paid: a new test gift is in the list.'
		);
		// Paid, the renewals in a row that failed are back to none.
		await expect(page.getByRole('row').filter({ hasText: gift.email })).toHaveCount(0);
		await page.goto(`/admin/donations/monthly?q=${encodeURIComponent(gift.email)}&test=1`);
		await expect(page.getByRole('row').filter({ hasText: gift.email })).toContainText(
			'Payments: 2, $60'
		);
		await page.getByRole('link', { name: `Their gifts for ${gift.name}` }).click();
		await expect(page.getByText('Gifts that match: 3')).toBeVisible();
		await expect(page.getByText('Test gifts, never counted: $60')).toBeVisible();
	});

	test('an admin issues the year’s annual receipts for monthly donors; running it again issues none; void receipts stay listed', async ({
		page
	}) => {
		test.setTimeout(60_000);
		await signIn(page, addStaff('admin'));
		const gift = await testGift(page, { frequency: 'monthly', amountCents: 1500 });
		const year = String(
			new Intl.DateTimeFormat('en-CA', { year: 'numeric', timeZone: 'America/Toronto' }).format(
				new Date()
			)
		);
		await page.goto('/admin/donations/receipts');
		await page.getByLabel('Year of the gifts').fill('1999');
		await page.getByRole('button', { name: 'Issue annual receipts' }).click();
		await expect(page.getByLabel('Year of the gifts')).toHaveAccessibleDescription(
			'Enter a year from 2000 to this year, like 2025.'
		);
		await page.getByLabel('Year of the gifts').fill(year);
		await page.getByRole('button', { name: 'Issue annual receipts' }).click();
		await expect(page.getByRole('status').first()).toHaveText(
			new RegExp(`^Annual receipts for ${year} issued and queued by email: \\d+\\.$`)
		);
		await page.getByLabel('Find by serial number or donor name').fill(gift.name.split(' ')[1]);
		await page.getByRole('button', { name: 'Apply' }).click();
		const row = page.getByRole('row').filter({ hasText: gift.name });
		await expect(row).toHaveCount(1);
		await expect(row).toContainText('Annual (monthly gifts)');
		await expect(row).toContainText('$15');

		await page.goto('/admin/donations/receipts');
		await page.getByLabel('Year of the gifts').fill(year);
		await page.getByRole('button', { name: 'Issue annual receipts' }).click();
		await expect(page.getByRole('status').first()).toHaveText(
			`Annual receipts for ${year} issued and queued by email: 0.`
		);

		// A reissued receipt stays in the register, void, with what replaced it.
		const [receipt] = await sql(
			`select r.id, r.serial from receipts r join receipt_gifts rg on rg.receipt_id = r.id
			 where rg.gift_id = $1`,
			[gift.giftId]
		);
		await page.goto(`/admin/donations/${gift.giftId}`);
		await page.getByRole('button', { name: `Reissue ${receipt.serial}` }).click();
		await expect(page.getByRole('status')).toHaveText(
			`Receipt ${receipt.serial} was voided and reissued under a new serial number; the donor will get it by email.`
		);
		await page.goto(`/admin/donations/receipts?q=${encodeURIComponent(gift.name.split(' ')[1])}`);
		const voided = page
			.getByRole('row')
			.filter({ hasText: receipt.serial })
			.filter({ hasText: 'Void: reissued' });
		await expect(voided).toHaveCount(1);
		await expect(voided).toContainText('Replaced by TEST-');
	});

	test('a campaigner downloads the filtered gifts as CSV a spreadsheet cannot run as formulas', async ({
		page
	}) => {
		await signIn(page, addStaff('campaigner'));
		const gift = await testGift(page, { amountCents: 4250, firstName: '=HYPERLINK("x")' });
		await page.goto(`/admin/donations?q=${encodeURIComponent(gift.email)}&test=1`);
		const downloading = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Download these gifts as CSV' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(/^test-gifts-\d{4}-\d{2}-\d{2}\.csv$/);
		const lines = readFileSync(await download.path(), 'utf8')
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/^gift_id,received_at,donor_email,donor_first_name,donor_last_name,/);
		expect(lines[1]).toContain(
			`${gift.email},"'=HYPERLINK(""x"")",${gift.name.split(' ')[1]},one_time,succeeded,CAD,42.50,0.00,0.00,42.50`
		);
	});

	test('the dashboard shows what was raised this month, new monthly donors, a campaign’s progress and that receipts are samples', async ({
		page
	}) => {
		await keepingSettings(async () => {
			await sql('update donation_settings set registration_number = null');
			const slug = `give-${unique()}`;
			const [campaign] = await sql(
				`insert into campaigns (slug, status, goal_cents, published_at)
				 values ($1, 'published', 100000, now()) returning id`,
				[slug]
			);
			await sql(
				`insert into campaign_translations (campaign_id, language, title, summary, story) values
				 ($1, 'en', $2, 'S', 'S'), ($1, 'fr', $2, 'S', 'S')`,
				[campaign.id, `Progress ${slug}`]
			);
			const [donor] = await sql(`insert into supporters (email) values ($1) returning id`, [
				`dash.${unique()}@example.org`
			]);
			await sql(
				`insert into gifts (supporter_id, amount_cents, currency, frequency, status, test, campaign_id)
				 values ($1, 25000, 'cad', 'one_time', 'succeeded', false, $2),
				        ($1, 99900, 'cad', 'one_time', 'succeeded', true, $2)`,
				[donor.id, campaign.id]
			);
			await signIn(page, addStaff('campaigner'));
			const donations = page.getByRole('region', { name: 'Donations' });
			await expect(donations).toContainText(
				/Raised this month: \$[\d,.]+ \(after refunds, test gifts not counted\)/
			);
			await expect(donations).toContainText(/New monthly donors this month: \d+/);
			await expect(
				donations.getByRole('listitem').filter({ hasText: `Progress ${slug}` })
			).toHaveText(`Progress ${slug}: $250 of $1,000 (25%); donors: 1`);
			await expect(page.getByRole('region', { name: 'Needs attention' })).toContainText(
				"Tax receipts are samples (serial numbers starting with TEST) until an admin sets the charity's registered details."
			);
		});
	});
});
