import { beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';

// Staff's side of donations, as the database and the server code keep it: a
// filter finds the gifts it says (days on the charity's clock), totals add what
// gifts brought in to the cent (after refunds, never test gifts), a refund from
// the admin voids the receipt and replaces it after a partial one, settings and
// the ladder are saved with their audit entry, and the export is spreadsheet-safe.

const db = serviceClient();
let admin: typeof import('../../src/lib/server/donations/admin.ts');
let settings: typeof import('../../src/lib/server/donations/admin-settings.ts');
let exporting: typeof import('../../src/lib/server/donations/admin-export.ts');
let refunds: typeof import('../../src/lib/server/donations/refunds.ts');
let gateway: typeof import('../../src/lib/server/donations/test-gateway.ts');
let actor: { id: string };

beforeAll(async () => {
	await useStackForServerCode();
	admin = await import('../../src/lib/server/donations/admin.ts');
	settings = await import('../../src/lib/server/donations/admin-settings.ts');
	exporting = await import('../../src/lib/server/donations/admin-export.ts');
	refunds = await import('../../src/lib/server/donations/refunds.ts');
	gateway = await import('../../src/lib/server/donations/test-gateway.ts');
	const [staff] = await sql(`insert into staff (email, role) values ($1, 'admin') returning id`, [
		uniqueEmail('admin')
	]);
	actor = { id: staff.id };
});

const sql = (text: string, params: unknown[] = []) =>
	withSql(async (client) => (await client.query(text, params)).rows);

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

async function donor(name: { first: string; last: string }, email = uniqueEmail('donor')) {
	const [row] = await sql(
		`insert into supporters (email, first_name, last_name) values ($1, $2, $3) returning id, email`,
		[email, name.first, name.last]
	);
	return row as { id: string; email: string };
}

async function campaign(): Promise<string> {
	const [row] = await sql(
		`insert into campaigns (slug, status, goal_cents, published_at) values ($1, 'published', 100000, now()) returning id`,
		[`c-${unique()}`]
	);
	await sql(
		`insert into campaign_translations (campaign_id, language, title, summary, story) values
		 ($1, 'en', 'Protect', 'S', 'S'), ($1, 'fr', 'Protéger', 'S', 'S')`,
		[row.id]
	);
	return row.id;
}

/** A gift as the webhook leaves it (the fields the staff pages read). */
async function gift(fields: {
	supporter: string;
	amount: number;
	status?: string;
	refunded?: number;
	test?: boolean;
	frequency?: 'one_time' | 'monthly';
	campaign?: string | null;
	at?: string;
	currency?: string;
	dispute?: string | null;
}): Promise<string> {
	const [row] = await sql(
		`insert into gifts (supporter_id, amount_cents, currency, frequency, status, test, received_at,
		   campaign_id, refunded_cents, dispute_status)
		 values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), $8, $9, $10) returning id`,
		[
			fields.supporter,
			fields.amount,
			fields.currency ?? 'cad',
			fields.frequency ?? 'one_time',
			fields.status ?? 'succeeded',
			fields.test ?? false,
			fields.at ?? null,
			fields.campaign ?? null,
			fields.refunded ?? 0,
			fields.dispute ?? null
		]
	);
	return row.id;
}

async function lastAudit(action: string, target?: string) {
	let query = db
		.from('audit_log')
		.select('staff_id, target, details, ip')
		.eq('action', action)
		.order('id', { ascending: false })
		.limit(1);
	if (target) query = query.eq('target', target);
	const { data } = await query;
	return data![0];
}

describe('finding gifts', () => {
	it('totals what gifts brought in to the cent: after refunds and a lost dispute, without failed or test gifts', async () => {
		const tag = unique();
		const person = await donor({ first: 'Amara', last: `Total${tag}` });
		await gift({ supporter: person.id, amount: 2550 });
		await gift({ supporter: person.id, amount: 10000, refunded: 3025 });
		await gift({ supporter: person.id, amount: 1000, status: 'failed' });
		await gift({ supporter: person.id, amount: 4000, status: 'refunded', refunded: 4000 });
		await gift({ supporter: person.id, amount: 7001, dispute: 'lost' });
		await gift({ supporter: person.id, amount: 999, status: 'pending' });
		await gift({ supporter: person.id, amount: 99_900, test: true });

		const summary = await admin.summarize({ q: person.email });
		expect(summary.count).toBe(6);
		expect(summary.totals).toEqual([
			{ currency: 'cad', net_cents: 2550 + 6975, paid: 2, refunded_cents: 3025 + 4000 }
		]);
		const rows = await admin.findGifts({ q: person.email });
		expect(rows).toHaveLength(6);
		expect(rows.every((row) => !row.test)).toBe(true);

		// The test toggle shows test gifts only, with their own total.
		const tests = await admin.summarize({ q: person.email, test: true });
		expect(tests.count).toBe(1);
		expect(tests.totals[0].net_cents).toBe(99_900);
	});

	it('keeps currencies apart in totals', async () => {
		const person = await donor({ first: 'Multi', last: `Currency${unique()}` });
		await gift({ supporter: person.id, amount: 1000 });
		await gift({ supporter: person.id, amount: 2000, currency: 'usd' });
		const summary = await admin.summarize({ q: person.email });
		expect(summary.totals.map((total) => [total.currency, total.net_cents])).toEqual([
			['cad', 1000],
			['usd', 2000]
		]);
	});

	it('filters by days on the charity’s clock, frequency, designation and status, and counts by month', async () => {
		const tag = unique();
		const person = await donor({ first: 'Dates', last: `Filter${tag}` });
		const place = await campaign();
		// 23:30 in Toronto on 28 February is already 1 March in UTC.
		const lateFeb = await gift({
			supporter: person.id,
			amount: 1100,
			at: '2025-03-01T04:30:00Z'
		});
		const march = await gift({
			supporter: person.id,
			amount: 2200,
			at: '2025-03-15T15:00:00Z',
			frequency: 'monthly',
			campaign: place
		});
		const april = await gift({
			supporter: person.id,
			amount: 3300,
			at: '2025-04-30T12:00:00Z',
			status: 'failed'
		});
		const ids = async (filter: Parameters<typeof admin.findGifts>[0]) =>
			(await admin.findGifts({ q: person.email, ...filter })).map((row) => row.id);

		expect(await ids({})).toEqual([april, march, lateFeb]);
		expect(await ids({ to: '2025-02-28' })).toEqual([lateFeb]);
		expect(await ids({ from: '2025-03-01', to: '2025-03-31' })).toEqual([march]);
		expect(await ids({ from: '2025-04-30' })).toEqual([april]);
		expect(await ids({ frequency: 'monthly' })).toEqual([march]);
		expect(await ids({ frequency: 'one_time' })).toEqual([april, lateFeb]);
		expect(await ids({ designation: place })).toEqual([march]);
		expect(await ids({ designation: 'general' })).toEqual([april, lateFeb]);
		expect(await ids({ status: 'failed' })).toEqual([april]);

		const summary = await admin.summarize({ q: person.email });
		expect(summary.months).toEqual([
			{ month: '2025-02', currency: 'cad', net_cents: 1100, paid: 1 },
			{ month: '2025-03', currency: 'cad', net_cents: 2200, paid: 1 },
			{ month: '2025-04', currency: 'cad', net_cents: 0, paid: 0 }
		]);
		const [row] = await admin.findGifts({ designation: place });
		expect(row).toMatchObject({ campaign_slug: expect.stringMatching(/^c-/), amount_cents: 2200 });
	});

	it('finds a donor by the start of their email or name in any letter case, taking % and _ literally', async () => {
		const tag = unique();
		const person = await donor({ first: 'Zoë', last: `Okonkwo${tag}` }, `Zoe.${tag}@Example.org`);
		const id = await gift({ supporter: person.id, amount: 500 });
		for (const q of [`zoe.${tag}`, `OKONKWO${tag}`, `zoë okonkwo${tag}`]) {
			expect((await admin.findGifts({ q })).map((row) => row.id)).toEqual([id]);
		}
		expect(await admin.findGifts({ q: `%${tag}` })).toEqual([]);
		expect(await admin.findGifts({ q: `zoe_${tag}` })).toEqual([]);
	});

	it('pages with an offset and refuses an unknown filter key', async () => {
		const person = await donor({ first: 'Pages', last: `Many${unique()}` });
		for (let i = 0; i < 3; i += 1) {
			await gift({ supporter: person.id, amount: 100 + i, at: `2025-01-0${i + 1}T12:00:00Z` });
		}
		const second = await admin.findGifts({ q: person.email }, { limit: 2, offset: 2 });
		expect(second.map((row) => row.amount_cents)).toEqual([100]);
		const { error } = await db.rpc('gifts_find', {
			p_filter: { colour: 'red' },
			p_limit: 10,
			p_offset: 0
		});
		expect(error?.message).toMatch(/unknown_filter: colour/);
	});

	it('exports the filter as CSV a spreadsheet cannot run as formulas, and audits the export', async () => {
		const tag = unique();
		const person = await donor({ first: '=HYPERLINK("http://evil.example")', last: `Csv${tag}` });
		await gift({ supporter: person.id, amount: 2550, refunded: 50 });
		const text = await new Response(
			exporting.giftsCsv({ q: person.email }, { staffId: actor.id, ip: '192.0.2.9' })
		).text();
		const lines = text
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\n');
		expect(lines[0]).toBe(
			'gift_id,received_at,donor_email,donor_first_name,donor_last_name,frequency,status,currency,amount,fee_covered,refunded,net,dispute,campaign,anonymous,tribute,tribute_name,test,stripe_payment_intent,stripe_invoice'
		);
		expect(lines).toHaveLength(2);
		expect(lines[1]).toContain(
			`"'=HYPERLINK(""http://evil.example"")",Csv${tag},one_time,succeeded,CAD,25.50,0.00,0.50,25.00`
		);
		const entry = await lastAudit('gifts.exported');
		expect(entry).toMatchObject({ staff_id: actor.id, ip: '192.0.2.9' });
		expect(entry.details).toEqual({ rows: 1, filter: { q: person.email } });
	});
});

describe('refunds and receipts', () => {
	async function paidTestGift(amountCents: number) {
		const email = uniqueEmail('refund');
		const [checkout] = await sql(
			`insert into donation_checkouts (test, frequency, amount_cents, currency, email, language,
			   wants_receipt, first_name, last_name, address_line1, city, province, postal_code, country)
			 values (true, 'one_time', $1, 'cad', $2, 'en', true, 'Rae', 'Refund', '1 Main St', 'Ottawa',
			   'ON', 'K1A 0B1', 'Canada') returning id`,
			[amountCents, email]
		);
		await gateway.payTestCheckout((await gateway.testCheckout(checkout.id))!, 'paid');
		const [row] = await sql(`select id from gifts where checkout_id = $1`, [checkout.id]);
		return row.id as string;
	}

	it('a partial refund voids the receipt and issues one that says which it replaces; the rest voids that one too', async () => {
		const id = await paidTestGift(10_000);
		const before = (await admin.readGift(id))!;
		expect(before.receipts).toHaveLength(1);
		expect(before.receipts[0]).toMatchObject({
			status: 'issued',
			amount_cents: 10_000,
			test: true
		});

		expect(
			await refunds.refundGift({ giftId: id, amountCents: 2_500, actor: actor.id, ip: '192.0.2.3' })
		).toEqual({ ok: true, refundedCents: 2_500 });
		const partly = (await admin.readGift(id))!;
		expect(partly).toMatchObject({ status: 'succeeded', refunded_cents: 2_500, net_cents: 7_500 });
		const [first, second] = partly.receipts;
		expect(first).toMatchObject({ status: 'void', void_reason: 'partially_refunded' });
		expect(second).toMatchObject({
			status: 'issued',
			amount_cents: 7_500,
			replaces_id: first.id,
			replaces_serial: first.serial
		});
		expect(second.serial).not.toBe(first.serial);

		expect(
			await refunds.refundGift({ giftId: id, amountCents: 7_501, actor: actor.id, ip: null })
		).toEqual({ ok: false, reason: 'too_much' });
		await refunds.refundGift({ giftId: id, amountCents: 7_500, actor: actor.id, ip: null });
		const whole = (await admin.readGift(id))!;
		expect(whole).toMatchObject({ status: 'refunded', refunded_cents: 10_000, net_cents: 0 });
		expect(whole.receipts.map((receipt) => [receipt.status, receipt.void_reason])).toEqual([
			['void', 'partially_refunded'],
			['void', 'refunded']
		]);

		// The register keeps void receipts, each with what replaced it.
		const register = await admin.findReceipts({ q: first.serial }, 1);
		expect(register.rows[0]).toMatchObject({
			status: 'void',
			replaced_by_id: second.id,
			replaced_by_serial: second.serial
		});
	});

	it('reissues a receipt under a new serial, audited; a void one cannot be reissued', async () => {
		const id = await paidTestGift(5_000);
		const [receipt] = (await admin.readGift(id))!.receipts;
		const result = await admin.reissueReceipt(actor, receipt.id, '192.0.2.4');
		expect(result.ok).toBe(true);
		const receipts = (await admin.readGift(id))!.receipts;
		expect(receipts.map((entry) => [entry.status, entry.void_reason])).toEqual([
			['void', 'reissued'],
			['issued', null]
		]);
		expect(receipts[1].replaces_serial).toBe(receipt.serial);
		expect((await lastAudit('receipt.reissue', receipt.id)).staff_id).toBe(actor.id);
		expect(await admin.reissueReceipt(actor, receipt.id, '192.0.2.4')).toEqual({
			ok: false,
			reason: 'not_issued'
		});
	});
});

describe('monthly donors and the dashboard', () => {
	async function monthly(options: { test?: boolean; started?: string; failed?: number }) {
		const person = await donor({ first: 'Monthly', last: `Donor${unique()}` });
		const [checkout] = await sql(
			`insert into donation_checkouts (test, frequency, amount_cents, currency, email, language, status, supporter_id)
			 values ($1, 'monthly', 2500, 'cad', $2, 'en', 'completed', $3) returning id`,
			[options.test ?? false, person.email, person.id]
		);
		const [row] = await sql(
			`insert into recurring_gifts (checkout_id, supporter_id, test, stripe_subscription, amount_cents,
			   currency, status, started_at, failed_renewals)
			 values ($1, $2, $3, $4, 2500, 'cad', 'active', coalesce($5::timestamptz, now()), $6) returning id`,
			[
				checkout.id,
				person.id,
				options.test ?? false,
				`sub_${unique()}`,
				options.started ?? null,
				options.failed ?? 0
			]
		);
		return { id: row.id as string, person };
	}

	it('lists monthly donors with failed renewals on their own, test ones apart', async () => {
		const failing = await monthly({ failed: 2 });
		const fine = await monthly({});
		const test = await monthly({ test: true, failed: 1 });
		const failed = await admin.findMonthly({ failed: true }, 1);
		const failedIds = failed.rows.map((row) => row.id);
		expect(failedIds).toContain(failing.id);
		expect(failedIds).not.toContain(fine.id);
		expect(failedIds).not.toContain(test.id);
		expect(
			(await admin.findMonthly({ q: test.person.email, test: true }, 1)).rows[0]
		).toMatchObject({ id: test.id, failed_renewals: 1, test: true });
		const one = await admin.findMonthly({ q: failing.person.email }, 1);
		expect(one.total).toBe(1);
		expect(one.rows[0]).toMatchObject({ amount_cents: 2500, failed_renewals: 2, status: 'active' });
	});

	it('shows what real gifts raised this month, new monthly donors and a campaign’s progress to its goal', async () => {
		const before = await admin.dashboard();
		const raisedBefore = before.raised.find((total) => total.currency === 'cad')?.net_cents ?? 0;
		const person = await donor({ first: 'Dash', last: `Board${unique()}` });
		const place = await campaign();
		await gift({ supporter: person.id, amount: 12_345, campaign: place });
		await gift({ supporter: person.id, amount: 5_000, refunded: 1_000 });
		await gift({ supporter: person.id, amount: 77_777, test: true, campaign: place });
		await gift({ supporter: person.id, amount: 3_000, at: '2020-01-15T12:00:00Z' });
		await monthly({});
		await monthly({ test: true });
		// A donor whose monthly gift began long ago is not new.
		await monthly({ started: '2020-01-15T12:00:00Z' });

		const after = await admin.dashboard();
		expect(after.raised.find((total) => total.currency === 'cad')!.net_cents - raisedBefore).toBe(
			12_345 + 4_000
		);
		expect(after.newMonthlyDonors - before.newMonthlyDonors).toBe(1);
		expect(after.campaigns.find((entry) => entry.id === place)).toMatchObject({
			goal_cents: 100_000,
			raised_cents: 12_345,
			donors: 1,
			title_en: 'Protect',
			title_fr: 'Protéger'
		});
	});
});

describe('settings and the ladder', () => {
	it('saves the charity’s registered details with what they were and became in the audit log', async () => {
		const fields = {
			min_cents: 1_000,
			max_cents: 1_000_000,
			fee_percent_bp: 250,
			fee_fixed_cents: 25,
			charity_legal_name: 'International Justice Mission Canada',
			charity_address: '1 Test Street\nToronto ON M5V 1A1',
			registration_number: '123456789RR0001',
			receipt_location: 'Toronto, Ontario',
			signatory_name: 'Pat Signer',
			signatory_title: 'Executive Director'
		};
		const [previous] = await sql('select * from donation_settings');
		try {
			await settings.saveSettings(actor, fields, '192.0.2.5');
			const [row] = await sql('select * from donation_settings');
			expect(row).toMatchObject({
				...fields,
				min_cents: '1000',
				max_cents: '1000000',
				updated_by: actor.id
			});
			const entry = await lastAudit('donation_settings.saved');
			expect(entry.staff_id).toBe(actor.id);
			expect(entry.details.to).toMatchObject({ registration_number: '123456789RR0001' });
			expect(entry.details.from.min_cents).toBe(Number(previous.min_cents));

			// The database refuses a number that is not the CRA's format, whatever the form said.
			await expect(
				settings.saveSettings(actor, { ...fields, registration_number: '12345' }, '192.0.2.5')
			).rejects.toThrow(/check constraint/);
		} finally {
			await sql(
				`update donation_settings set min_cents = $1, max_cents = $2, fee_percent_bp = $3,
				   fee_fixed_cents = $4, charity_address = $5, registration_number = $6,
				   receipt_location = $7, signatory_name = $8, signatory_title = $9`,
				[
					previous.min_cents,
					previous.max_cents,
					previous.fee_percent_bp,
					previous.fee_fixed_cents,
					previous.charity_address,
					previous.registration_number,
					previous.receipt_location,
					previous.signatory_name,
					previous.signatory_title
				]
			);
		}
	});

	it('adds, edits and removes ladder amounts: smallest first, one default per frequency, no duplicates, audited', async () => {
		const amount = 1_000 + Math.floor(Math.random() * 900) * 100 + 37;
		const [previousDefault] = await sql(
			`select id from donation_amounts where frequency = 'monthly' and is_default`
		);
		const added = await settings.saveAmount(
			actor,
			null,
			{
				frequency: 'monthly',
				amount_cents: amount,
				is_default: true,
				impact_en: 'Each month, a test impact.',
				impact_fr: 'Chaque mois, un impact d’essai.'
			},
			'192.0.2.6'
		);
		expect(added.ok).toBe(true);
		const id = (added as { id: string }).id;
		const ladder = await sql(
			`select id, amount_cents, position, is_default from donation_amounts where frequency = 'monthly' order by position`
		);
		expect(ladder.filter((row) => row.is_default).map((row) => row.id)).toEqual([id]);
		expect(ladder.map((row) => Number(row.amount_cents))).toEqual(
			[...ladder.map((row) => Number(row.amount_cents))].sort((a, b) => a - b)
		);
		expect(ladder.map((row) => row.position)).toEqual(ladder.map((_, index) => index + 1));
		expect((await lastAudit('donation_amount.created', id)).details.to.impact_fr).toBe(
			'Chaque mois, un impact d’essai.'
		);

		expect(
			await settings.saveAmount(
				actor,
				null,
				{
					frequency: 'monthly',
					amount_cents: amount,
					is_default: false,
					impact_en: 'x',
					impact_fr: 'x'
				},
				'192.0.2.6'
			)
		).toEqual({ ok: false, reason: 'amount_taken' });

		const saved = await settings.saveAmount(
			actor,
			id,
			{
				frequency: 'one_time',
				amount_cents: amount,
				is_default: false,
				impact_en: 'Once.',
				impact_fr: 'Une fois.'
			},
			'192.0.2.6'
		);
		expect(saved).toEqual({ ok: true, id });
		const change = await lastAudit('donation_amount.saved', id);
		expect(change.details.from).toMatchObject({ frequency: 'monthly', is_default: true });
		expect(change.details.to).toMatchObject({ frequency: 'one_time', is_default: false });

		expect(await settings.deleteAmount(actor, id, '192.0.2.6')).toBe(true);
		expect(await settings.deleteAmount(actor, id, '192.0.2.6')).toBe(false);
		expect((await lastAudit('donation_amount.deleted', id)).details.from.impact_en).toBe('Once.');
		expect(await sql('select 1 from donation_amounts where id = $1', [id])).toEqual([]);
		if (previousDefault) {
			await sql('update donation_amounts set is_default = true where id = $1', [
				previousDefault.id
			]);
		}
	});
});
