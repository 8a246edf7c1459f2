import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../scripts/local-stack/index.ts';
import { startResendDouble, type ResendDouble } from '../doubles/resend.ts';
import { pdfText } from '../pdf-text.ts';
import { ensureBuild } from './build.ts';
import {
	serviceClient,
	uniqueEmail,
	useStackForServerCode,
	withSql,
	withoutAutomaticEmails
} from './helpers.ts';

// The donation emails as donors get them: queued by the webhook's SQL with ids
// only, read and rendered when sent (their prepare step), the receipt's PDF
// attached with every field the CRA requires. First through the mail viewer (what
// a developer, and the e2e tests, read without a Resend key), then through the
// worker (`npm run worker`, a real child process) to a local double of Resend.

let viewer: typeof import('../../src/lib/server/email/viewer.ts');
let receipts: typeof import('../../src/lib/server/donations/receipts.ts');
let receiptPdf: typeof import('../../src/lib/server/donations/receipt-pdf.ts');
let saved: Record<string, unknown>;

const sql = (text: string, params: unknown[] = []) =>
	withSql(async (client) => (await client.query(text, params)).rows);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const flat = (text: string) => text.replace(/\s+/g, ' ');

const CHARITY = {
	charity_address: '740 Notre-Dame Ouest, Montréal QC H3C 3X6',
	registration_number: '123456789RR0001',
	receipt_location: 'Montréal, Québec',
	signatory_name: 'Jamie McIntosh',
	signatory_title: 'Executive Director'
};

withoutAutomaticEmails();
beforeAll(async () => {
	await useStackForServerCode();
	viewer = await import('../../src/lib/server/email/viewer.ts');
	receipts = await import('../../src/lib/server/donations/receipts.ts');
	receiptPdf = await import('../../src/lib/server/donations/receipt-pdf.ts');
	[saved] = await sql(
		`select charity_address, registration_number, receipt_location, signatory_name, signatory_title
		 from donation_settings`
	);
});

afterAll(async () => {
	if (saved) {
		await sql(
			`update donation_settings set charity_address = $1, registration_number = $2,
			   receipt_location = $3, signatory_name = $4, signatory_title = $5`,
			Object.values(saved)
		);
	}
});

/** The charity's registered details set (official receipts), or not (samples). */
async function charityDetails(set: boolean) {
	const values = set ? Object.values(CHARITY) : [null, null, null, null, null];
	await sql(
		`update donation_settings set charity_address = $1, registration_number = $2,
		   receipt_location = $3, signatory_name = $4, signatory_title = $5`,
		values
	);
}

async function applyEvent(type: string, object: Record<string, unknown>, created = new Date()) {
	const { data, error } = await serviceClient().rpc('stripe_event_apply', {
		p_event: {
			id: `evt_${unique()}`,
			type,
			created: created.toISOString(),
			livemode: false,
			object
		}
	});
	expect(error).toBeNull();
	return data as string;
}

interface Donation {
	checkoutId: string;
	email: string;
	paymentIntent: string;
	subscription: string;
}

/** A donation as /donate records it, then paid as Stripe's events say. */
async function donate(
	options: {
		language?: 'en' | 'fr';
		frequency?: 'one_time' | 'monthly';
		amountCents?: number;
		wantsReceipt?: boolean;
		test?: boolean;
		anonymous?: boolean;
		tribute?: { kind: 'honour' | 'memory'; name: string; notify: string };
		campaign?: string;
		email?: string;
		paidAt?: Date;
	} = {}
): Promise<Donation> {
	const email = options.email ?? uniqueEmail('donor');
	const amount = options.amountCents ?? 5000;
	const [checkout] = await sql(
		`insert into donation_checkouts (test, frequency, amount_cents, currency, campaign_id,
		   tribute_kind, tribute_name, tribute_notify_email, anonymous, wants_receipt, email,
		   first_name, last_name, address_line1, city, province, postal_code, country, language)
		 values ($1, $2, $3, 'cad', $4, $5, $6, $7, $8, $9, $10, 'Marie-Ève', 'Tremblay',
		   '12 rue Saint-Denis', 'Montréal', 'QC', 'H2X 1K4', 'Canada', $11)
		 returning id`,
		[
			options.test ?? false,
			options.frequency ?? 'one_time',
			amount,
			options.campaign ?? null,
			options.tribute?.kind ?? null,
			options.tribute?.name ?? null,
			options.tribute?.notify ?? null,
			options.anonymous ?? false,
			options.wantsReceipt ?? true,
			email,
			options.language ?? 'en'
		]
	);
	const donation = {
		checkoutId: checkout.id as string,
		email,
		paymentIntent: `pi_${unique()}`,
		subscription: `sub_${unique()}`
	};
	const paidAt = options.paidAt ?? new Date();
	if ((options.frequency ?? 'one_time') === 'one_time') {
		await applyEvent(
			'checkout.session.completed',
			{
				checkout_id: donation.checkoutId,
				session: `cs_${unique()}`,
				mode: 'payment',
				payment_status: 'paid',
				payment_intent: donation.paymentIntent,
				amount_cents: amount,
				currency: 'cad'
			},
			paidAt
		);
	} else {
		await applyEvent(
			'checkout.session.completed',
			{
				checkout_id: donation.checkoutId,
				session: `cs_${unique()}`,
				mode: 'subscription',
				payment_status: 'paid',
				subscription: donation.subscription,
				customer: `cus_${unique()}`,
				amount_cents: amount,
				currency: 'cad'
			},
			paidAt
		);
		await renewal(donation, amount, true, paidAt);
	}
	return donation;
}

/** A monthly invoice, paid or failed. */
async function renewal(donation: Donation, amount: number, paid: boolean, at = new Date()) {
	await applyEvent(
		paid ? 'invoice.paid' : 'invoice.payment_failed',
		{
			checkout_id: donation.checkoutId,
			invoice: `in_${unique()}`,
			subscription: donation.subscription,
			amount_cents: amount,
			currency: 'cad',
			payment_intent: paid ? `pi_${unique()}` : null,
			failure_reason: paid ? null : 'card_declined'
		},
		at
	);
}

async function outboxRow(key: string) {
	const rows = await sql(
		`select id, template, data, to_email from email_outbox where idempotency_key = $1`,
		[key]
	);
	expect(rows, `an email queued as ${key}`).toHaveLength(1);
	return rows[0] as {
		id: number;
		template: string;
		data: Record<string, unknown>;
		to_email: string;
	};
}

/** The email as the mail viewer shows it, and the text of its first attachment. */
async function viewEmail(id: number) {
	// node-postgres reads a bigint as text; the viewer's route reads it from the address.
	const email = (await viewer.read(Number(id)))!;
	const file = email.attachments.length > 0 ? await viewer.attachment(Number(id), 0) : null;
	return {
		...email,
		text: flat(email.email.text),
		pdf: file ? flat(await pdfText(file.content)) : null
	};
}

describe('donation emails, as the mail viewer shows them', () => {
	it('thanks a one-time donor for the amount, says where it goes, and attaches the official receipt with every CRA field', async () => {
		await charityDetails(true);
		const slug = `c-${unique()}`;
		const [campaign] = await sql(
			`insert into campaigns (slug, status, published_at) values ($1, 'published', now()) returning id`,
			[slug]
		);
		await sql(
			`insert into campaign_translations (campaign_id, language, title, summary, story) values
			 ($1, 'en', 'Free the children', 'S', 'S'), ($1, 'fr', 'Libérer les enfants', 'S', 'S')`,
			[campaign.id]
		);
		const donation = await donate({ amountCents: 12345, campaign: campaign.id });
		const row = await outboxRow(`donation-thanks:${donation.checkoutId}`);
		expect(Object.keys(row.data).sort()).toEqual(['gift_id', 'receipt_id']);

		const email = await viewEmail(row.id);
		const receipt = (await receipts.receipt(row.data.receipt_id as string))!;
		expect(receipt.serial).toMatch(/^\d{4}-\d{6}$/);
		expect(receipt.test).toBe(false);
		expect(email.subject).toBe('Thank you for your gift');
		expect(email.text).toContain('Hello Marie-Ève,');
		expect(email.text).toContain('Thank you for your gift of $123.45, received on');
		expect(email.text).toContain('Your gift supports Free the children.');
		expect(email.text).toContain(
			`Your official receipt for income tax purposes, No. ${receipt.serial}, is attached.`
		);
		expect(email.text).toMatch(/Manage my giving \[?https?:\/\/\S+\/giving\b/);
		expect(email.attachments).toEqual([
			{ index: 0, filename: `receipt-${receipt.serial}.pdf`, contentType: 'application/pdf' }
		]);
		for (const field of [
			'Official receipt for income tax purposes',
			'International Justice Mission Canada',
			CHARITY.charity_address,
			`Charitable registration number: ${CHARITY.registration_number}`,
			`Receipt No. ${receipt.serial}`,
			`Place of issue ${CHARITY.receipt_location}`,
			'Date gift received',
			'Date issued',
			'Marie-Ève Tremblay 12 rue Saint-Denis Montréal QC H2X 1K4 Canada',
			'Amount of gift $123.45',
			'Value and description of advantage None',
			'Eligible amount of gift for tax purposes $123.45',
			'Jamie McIntosh, Executive Director',
			'Authorized signature',
			'Canada Revenue Agency: canada.ca/charities-giving'
		]) {
			expect(email.pdf).toContain(field);
		}
		expect(email.pdf).not.toContain('SAMPLE');
	});

	it('writes to a French donor in French, with the receipt in French', async () => {
		await charityDetails(true);
		const donation = await donate({ language: 'fr', amountCents: 5000 });
		const email = await viewEmail((await outboxRow(`donation-thanks:${donation.checkoutId}`)).id);
		expect(email.subject).toBe('Merci pour votre don');
		expect(email.text).toContain('Merci pour votre don de 50 $, reçu le');
		expect(email.text).toContain('Votre don ira là où le besoin est le plus grand.');
		expect(email.text).toMatch(/Gérer mes dons \[?https?:\/\/\S+\/fr\/giving\b/);
		expect(email.pdf).toContain('Reçu officiel aux fins de l’impôt sur le revenu');
		expect(email.pdf).toContain('Montant admissible du don aux fins de l’impôt 50,00 $');
		expect(email.pdf).toContain('Valeur et description de l’avantage Aucun');
		expect(email.pdf).toContain(
			'Agence du revenu du Canada : canada.ca/organismes-bienfaisance-dons'
		);
	});

	it('attaches a sample, marked as such, for a test gift or before the charity’s details are set', async () => {
		await charityDetails(true);
		const test = await donate({ test: true });
		const testEmail = await viewEmail((await outboxRow(`donation-thanks:${test.checkoutId}`)).id);
		expect(testEmail.text).toContain('no money was charged');
		expect(testEmail.text).toMatch(/A sample receipt, No\. TEST-\d{4}-\d{6}, is attached/);
		expect(testEmail.pdf).toContain('SAMPLE — NOT AN OFFICIAL RECEIPT');
		expect(testEmail.pdf).toContain('This receipt is for a test gift.');

		await charityDetails(false);
		const early = await donate();
		const earlyEmail = await viewEmail((await outboxRow(`donation-thanks:${early.checkoutId}`)).id);
		expect(earlyEmail.pdf).toContain('SAMPLE — NOT AN OFFICIAL RECEIPT');
		expect(earlyEmail.pdf).toContain('Charitable registration number: (not set)');
		expect(earlyEmail.pdf).toContain('Canada Revenue Agency: canada.ca/charities-giving');
	});

	it('sends no receipt to a donor who did not ask for one', async () => {
		const donation = await donate({ wantsReceipt: false });
		const email = await viewEmail((await outboxRow(`donation-thanks:${donation.checkoutId}`)).id);
		expect(email.attachments).toEqual([]);
		expect(email.text).not.toContain('is attached');
	});

	it('tells the person honoured who gave, never how much, and names no anonymous donor', async () => {
		const notify = uniqueEmail('honoured');
		const named = await donate({
			amountCents: 25000,
			tribute: { kind: 'honour', name: 'Grand-maman Rose', notify }
		});
		const row = await outboxRow(`donation-tribute:${named.checkoutId}`);
		expect(row.to_email).toBe(notify);
		const email = await viewEmail(row.id);
		expect(email.subject).toBe('A gift in honour of Grand-maman Rose');
		expect(email.text).toContain(
			'Marie-Ève made a gift to IJM Canada in honour of Grand-maman Rose, and asked us to let you know.'
		);
		expect(email.text).not.toMatch(/\$|250/);
		expect(email.attachments).toEqual([]);

		const anonymous = await donate({
			language: 'fr',
			anonymous: true,
			tribute: { kind: 'memory', name: 'Jean', notify: uniqueEmail('family') }
		});
		const french = await viewEmail(
			(await outboxRow(`donation-tribute:${anonymous.checkoutId}`)).id
		);
		expect(french.subject).toBe('Un don à la mémoire de Jean');
		expect(french.text).toContain('Quelqu’un a fait un don à IJM Canada à la mémoire de Jean');
		expect(french.text).not.toContain('Marie');
	});

	it('after a partial refund, voids the receipt and sends the corrected one, which says which it cancels and replaces', async () => {
		await charityDetails(true);
		const donation = await donate({ amountCents: 10000 });
		const thanks = await outboxRow(`donation-thanks:${donation.checkoutId}`);
		const original = (await receipts.receipt(thanks.data.receipt_id as string))!;

		await applyEvent('charge.refunded', {
			payment_intent: donation.paymentIntent,
			amount_refunded: 4000
		});

		const [mine] = await receipts
			.receiptsOfSupporter(original.supporterId)
			.then((list) => list.filter((each) => each.replaces?.id === original.id));
		expect(mine.amountCents).toBe(6000);
		expect(mine.replaces).toEqual({ id: original.id, serial: original.serial });
		const voided = (await receipts.receipt(original.id))!;
		expect(voided.status).toBe('void');
		expect(voided.replacedBy).toEqual({ id: mine.id, serial: mine.serial });

		const email = await viewEmail((await outboxRow(`donation-receipt:${mine.id}`)).id);
		expect(email.subject).toBe(`Corrected receipt No. ${mine.serial}`);
		expect(email.text).toContain(
			`Corrected receipt No. ${mine.serial}, which cancels and replaces No. ${original.serial}, is attached.`
		);
		expect(email.pdf).toContain(`Cancels and replaces receipt No. ${original.serial}`);
		expect(email.pdf).toContain('Eligible amount of gift for tax purposes $60.00');

		const old = (await receiptPdf.receiptPdf(original.id))!;
		expect(old.filename).toBe(`receipt-${original.serial}.pdf`);
		const oldText = flat(await pdfText(old.bytes));
		expect(oldText).toContain('VOID');
		expect(oldText).toContain(`It is replaced by receipt No. ${mine.serial}.`);
		expect(oldText).toContain('Amount of gift $100.00');
	});

	it('gives a monthly donor one receipt for the year, listing each gift', async () => {
		await charityDetails(true);
		const year = 2031;
		const donation = await donate({
			frequency: 'monthly',
			amountCents: 2500,
			paidAt: new Date(Date.UTC(year, 0, 15, 17))
		});
		await renewal(donation, 2500, true, new Date(Date.UTC(year, 1, 15, 17)));
		await renewal(donation, 2500, true, new Date(Date.UTC(year, 2, 15, 17)));
		const thanks = await viewEmail((await outboxRow(`donation-thanks:${donation.checkoutId}`)).id);
		expect(thanks.subject).toBe('Thank you for your monthly gift');
		expect(thanks.text).toMatch(
			/Thank you for your monthly gift of \$25\. We received the first one on January 15, 2031\. It will come each month, until you change it at https?:\/\/\S+\/giving\./
		);
		expect(thanks.attachments).toEqual([]);

		const [staff] = await sql(`insert into staff (email, role) values ($1, 'admin') returning id`, [
			uniqueEmail('admin')
		]);
		const { error } = await serviceClient().rpc('receipts_issue_annual', {
			p_actor: staff.id,
			p_year: year,
			p_ip: null
		});
		expect(error).toBeNull();
		const [receipt] = await sql(
			`select r.id, r.serial from receipts r join receipt_gifts rg on rg.receipt_id = r.id
			 join gifts g on g.id = rg.gift_id where g.checkout_id = $1 and r.kind = 'annual' limit 1`,
			[donation.checkoutId]
		);
		const email = await viewEmail((await outboxRow(`donation-receipt:${receipt.id}`)).id);
		expect(email.subject).toBe('Your receipt for 2031');
		expect(email.text).toContain(`for 2031, No. ${receipt.serial}, is attached.`);
		expect(email.text).toContain('$75 in all');
		expect(email.pdf).toContain('Year gifts received 2031');
		expect(email.pdf).toContain('Total amount of gifts $75.00');
		expect(email.pdf).toContain(
			'January 15, 2031 $25.00 February 15, 2031 $25.00 March 15, 2031 $25.00'
		);
	});

	it('tells a monthly donor when a renewal fails, and where to update their card', async () => {
		const donation = await donate({ frequency: 'monthly', amountCents: 3000, language: 'fr' });
		await renewal(donation, 3000, false);
		const [row] = await sql(
			`select id, data from email_outbox where template = 'donation-renewal-failed' and to_email = $1`,
			[donation.email]
		);
		const email = await viewEmail(row.id);
		expect(email.subject).toBe('Votre don mensuel n’a pas pu être prélevé');
		expect(email.text).toContain('Votre don mensuel de 30 $ n’a pas pu être prélevé.');
		expect(email.text).toMatch(/Mettre à jour ma carte \[?https?:\/\/\S+\/fr\/giving\b/);
	});
});

describe('donation emails, through the worker to Resend', () => {
	let resend: ResendDouble;

	beforeAll(async () => {
		ensureBuild();
		resend = await startResendDouble();
	}, 180_000);

	afterAll(async () => {
		await resend?.close();
	});

	beforeEach(async () => {
		resend.reset();
		await charityDetails(true);
		// Other tests leave email queued: each test here sends only its own.
		await sql(`update email_sender_state set paused_until = null, pause_reason = null, next_slot_at = now();
		           update email_outbox set status = 'suppressed', last_error = 'left by another test'
		            where status = 'pending'`);
	});

	async function runWorkerUntilIdle(extra: Record<string, string> = {}) {
		const stack = inject('stack');
		const env: NodeJS.ProcessEnv = {};
		for (const [name, value] of Object.entries(process.env)) {
			if (!name.startsWith('VITEST') && name !== 'NODE_ENV') env[name] = value;
		}
		const child = spawn(process.execPath, ['scripts/worker.ts', '--until-idle'], {
			cwd: ROOT,
			env: {
				...env,
				SUPABASE_URL: stack.supabaseUrl,
				SUPABASE_ANON_KEY: stack.anonKey,
				SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
				RESEND_API_KEY: 're_test_double',
				RESEND_WEBHOOK_SECRET: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
				RESEND_BASE_URL: resend.url,
				RESEND_RATE_PER_SECOND: '50',
				EMAIL_RETRY_BASE_MS: '20',
				EMAIL_LEASE_SECONDS: '5',
				WORKER_POLL_MS: '200',
				LOG_LEVEL: 'warn',
				SITE_URL: 'https://champions.example',
				...extra
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout!.on('data', (chunk) => (output += chunk));
		child.stderr!.on('data', (chunk) => (output += chunk));
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		expect(code, output).toBe(0);
		return output;
	}

	async function queueSample(to: string) {
		const key = `sample:${unique()}`;
		await serviceClient().rpc('email_enqueue', {
			p_emails: [
				{
					idempotency_key: key,
					template: 'sample',
					data: {},
					language: 'en',
					to_email: to,
					kind: 'transactional'
				}
			]
		});
		return key;
	}

	async function statusOf(key: string) {
		const [row] = await sql(
			`select status, provider_message_id, last_error from email_outbox where idempotency_key = $1`,
			[key]
		);
		return row as { status: string; provider_message_id: string | null; last_error: string | null };
	}

	it('sends the receipt as a PDF attachment on its own, and the rest of its batch in one batch call', async () => {
		const sampleTo = uniqueEmail('sample');
		const sampleKey = await queueSample(sampleTo);
		const donation = await donate({ amountCents: 4200 });
		const thanksKey = `donation-thanks:${donation.checkoutId}`;
		const thanks = await outboxRow(thanksKey);
		const receipt = (await receipts.receipt(thanks.data.receipt_id as string))!;

		await runWorkerUntilIdle();

		expect(resend.emails).toHaveLength(2);
		expect(resend.doubleSends()).toEqual([]);
		const toDonor = resend.emails.find((email) => email.to === donation.email)!;
		expect(toDonor.subject).toBe('Thank you for your gift');
		expect(toDonor.text).toContain(`No. ${receipt.serial}, is attached`);
		expect(toDonor.text).toContain('https://champions.example/giving');
		expect(toDonor.attachments).toHaveLength(1);
		const [file] = toDonor.attachments;
		expect(file.filename).toBe(`receipt-${receipt.serial}.pdf`);
		expect(file.contentType).toBe('application/pdf');
		const bytes = Buffer.from(file.content, 'base64');
		expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
		const text = flat(await pdfText(bytes));
		expect(text).toContain(`Receipt No. ${receipt.serial}`);
		expect(text).toContain('Eligible amount of gift for tax purposes $42.00');
		expect(text).toContain('Canada Revenue Agency: canada.ca/charities-giving');

		const sample = resend.emails.find((email) => email.to === sampleTo)!;
		expect(sample.attachments).toEqual([]);
		expect(sample.idempotencyKey).toMatch(/^batch-[0-9a-f]{64}:rest$/);
		expect(toDonor.idempotencyKey).toMatch(/^batch-[0-9a-f]{64}:\d+$/);
		expect(toDonor.idempotencyKey!.split(':')[0]).toBe(sample.idempotencyKey!.split(':')[0]);

		expect(await statusOf(thanksKey)).toMatchObject({
			status: 'sent',
			provider_message_id: toDonor.id
		});
		expect(await statusOf(sampleKey)).toMatchObject({
			status: 'sent',
			provider_message_id: sample.id
		});
	});

	it(
		'with calls failing and answers lost, sends every receipt email once',
		{ timeout: 120_000 },
		async () => {
			const donations = [];
			for (let index = 0; index < 6; index += 1) {
				donations.push(await donate({ amountCents: 1000 + index }));
				await queueSample(uniqueEmail('sample'));
			}
			resend.misbehave({
				errorRate: 0.35,
				errors: [500, 429, 'lost-response'],
				retryAfterSeconds: 0
			});

			await runWorkerUntilIdle({ RESEND_TIMEOUT_MS: '300' });

			expect(resend.calls.failed + resend.calls.replayed).toBeGreaterThan(0);
			expect(resend.doubleSends()).toEqual([]);
			expect(resend.emails).toHaveLength(12);
			for (const donation of donations) {
				expect(resend.deliveriesTo(donation.email)).toBe(1);
				const sent = resend.emails.find((email) => email.to === donation.email)!;
				expect(sent.attachments).toHaveLength(1);
				expect((await statusOf(`donation-thanks:${donation.checkoutId}`)).status).toBe('sent');
			}
		}
	);

	it('when Resend refuses one email of a batch sent one by one, that one failed and the others are sent', async () => {
		const sampleKey = await queueSample(uniqueEmail('sample'));
		const refused = await donate();
		const accepted = await donate();
		resend.misbehave({ refuseTo: [refused.email.toLowerCase()] });

		await runWorkerUntilIdle();

		const failed = await statusOf(`donation-thanks:${refused.checkoutId}`);
		expect(failed.status).toBe('failed');
		expect(failed.last_error).toContain('422 validation_error');
		expect((await statusOf(`donation-thanks:${accepted.checkoutId}`)).status).toBe('sent');
		expect((await statusOf(sampleKey)).status).toBe('sent');
		expect(resend.deliveriesTo(accepted.email)).toBe(1);
		expect(resend.deliveriesTo(refused.email)).toBe(0);
	});
});
