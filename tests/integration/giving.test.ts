import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeDouble, type StripeDouble } from '../doubles/stripe.ts';
import { serviceClient, uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// "Manage my giving" as a donor uses it, through the built site: asking for a link
// (the same answer for anyone), the link and its session, what a session may see
// (only its donor's gifts and receipts), and changing a monthly gift (here for a
// test subscription, in Stripe's customer portal with a key), checked in the database.

type Site = Awaited<ReturnType<typeof startSite>>;
let site: Site;
let stripe: StripeDouble;
let stripeSite: Site;

beforeAll(async () => {
	stripe = await startStripeDouble();
	// Each test asks from its own address (X-Forwarded-For), so per-IP limits stay apart.
	[site, stripeSite] = await Promise.all([
		startSite({ ADDRESS_HEADER: 'x-forwarded-for' }),
		startSite({
			ADDRESS_HEADER: 'x-forwarded-for',
			STRIPE_SECRET_KEY: stripe.secretKey,
			STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
			STRIPE_API_URL: stripe.url
		})
	]);
}, 240_000);

afterAll(async () => {
	await Promise.all([site?.stop(), stripeSite?.stop()]);
	await stripe?.close();
});

let ipCounter = 0;
/** A fresh client address for one test. */
function newIp(): string {
	ipCounter += 1;
	return `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

async function query<Row extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
	return withSql(async (sql) => (await sql.query<Row>(text, params)).rows);
}

interface Browser {
	ip: string;
	cookie?: string;
	on?: Site;
}

function request(browser: Browser, path: string, init: RequestInit = {}) {
	const target = browser.on ?? site;
	return fetch(`${target.url}${path}`, {
		redirect: 'manual',
		...init,
		headers: {
			accept: 'text/html',
			origin: target.url,
			'x-forwarded-for': browser.ip,
			...(browser.cookie && { cookie: browser.cookie }),
			...init.headers
		}
	});
}

function post(browser: Browser, path: string, fields: Record<string, string>) {
	return request(browser, path, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields)
	});
}

/** One Stripe event, reduced as the webhook reduces it, applied as the webhook applies it. */
async function applyEvent(type: string, object: Record<string, unknown>) {
	const { data, error } = await serviceClient().rpc('stripe_event_apply', {
		p_event: {
			id: `evt_giving_${randomUUID()}`,
			type,
			created: new Date().toISOString(),
			livemode: false,
			object
		}
	});
	expect(error).toBeNull();
	expect(data).toBe('applied');
}

interface Donor {
	email: string;
	supporterId: string;
	checkoutId: string;
	/** The monthly gift (monthly donors). */
	recurringId?: string;
	/** The receipt of the first gift (one-time donors who asked for one). */
	receiptId?: string;
	paymentIntent: string;
}

/**
 * A donor who gave through the test checkout: a one-time gift with a receipt, or a
 * monthly gift (a local test subscription, or a Stripe one with a customer).
 */
async function donor(
	options: {
		email?: string;
		frequency?: 'one_time' | 'monthly';
		amountCents?: number;
		stripeIds?: 'local' | 'stripe';
	} = {}
): Promise<Donor> {
	const email = options.email ?? uniqueEmail('Giver');
	const frequency = options.frequency ?? 'one_time';
	const amount = options.amountCents ?? 5000;
	const prefix = options.stripeIds === 'stripe' ? 'test' : 'local';
	const ref = randomUUID().replaceAll('-', '').slice(0, 20);
	const [checkout] = await query<{ id: string }>(
		`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
		   first_name, last_name, address_line1, city, province, postal_code, country, language)
		 values (true, $1, $2, 'cad', true, $3, 'Ada', 'Lovelace', '1 Main St', 'Ottawa', 'ON', 'K1A 0B1', 'Canada', 'en')
		 returning id`,
		[frequency, amount, email]
	);
	const paymentIntent = `pi_${prefix}_${ref}`;
	const session = {
		checkout_id: checkout.id,
		session: `cs_${prefix}_${ref}`,
		payment_status: 'paid',
		amount_cents: amount,
		currency: 'cad',
		customer: `cus_${prefix}_${ref}`
	};
	if (frequency === 'one_time') {
		await applyEvent('checkout.session.completed', {
			...session,
			mode: 'payment',
			payment_intent: paymentIntent,
			subscription: null
		});
	} else {
		const subscription = `sub_${prefix}_${ref}`;
		await applyEvent('checkout.session.completed', {
			...session,
			mode: 'subscription',
			payment_intent: null,
			subscription
		});
		await applyEvent('invoice.paid', {
			checkout_id: checkout.id,
			invoice: `in_${prefix}_${ref}`,
			subscription,
			customer: session.customer,
			amount_cents: amount,
			currency: 'cad',
			payment_intent: paymentIntent
		});
	}
	const [row] = await query<{ supporter_id: string; recurring_id: string | null }>(
		`select c.supporter_id, r.id as recurring_id from donation_checkouts c
		 left join recurring_gifts r on r.checkout_id = c.id where c.id = $1`,
		[checkout.id]
	);
	const [receipt] = await query<{ id: string }>(
		`select r.id from receipts r join receipt_gifts rg on rg.receipt_id = r.id
		 join gifts g on g.id = rg.gift_id where g.checkout_id = $1 and r.status = 'issued'`,
		[checkout.id]
	);
	return {
		email,
		supporterId: row.supporter_id,
		checkoutId: checkout.id,
		recurringId: row.recurring_id ?? undefined,
		receiptId: receipt?.id,
		paymentIntent
	};
}

/** The token of the newest giving link emailed to `email`. */
async function tokenSentTo(email: string): Promise<string> {
	const [row] = await query<{ link: string | null }>(
		`select data ->> 'link' as link from email_outbox
		 where template = 'giving-link' and lower(to_email) = lower($1) order by id desc limit 1`,
		[email]
	);
	expect(row?.link, `a giving link was emailed to ${email}`).toBeTruthy();
	const token = new URL(row.link!).searchParams.get('token');
	expect(token).toMatch(/^[a-z2-7]{32}$/);
	return token!;
}

function sessionCookie(response: Response): string {
	const header = response.headers
		.getSetCookie()
		.find((c) => c.startsWith('champions_giving_session='));
	expect(header, 'the answer sets the session cookie').toBeTruthy();
	return header!.split(';')[0];
}

/** Asks for a link, opens it and presses its button: a browser with the donor's session. */
async function signIn(email: string, on: Site = site): Promise<Browser> {
	const browser: Browser = { ip: newIp(), on };
	expect((await post(browser, '/giving', { email })).status).toBe(303);
	const token = await tokenSentTo(email);
	const opened = await post(browser, `/giving/link?token=${token}`, { token });
	expect(opened.status).toBe(303);
	expect(opened.headers.get('location')).toBe('/giving/manage');
	browser.cookie = sessionCookie(opened);
	return browser;
}

async function managePage(browser: Browser) {
	const response = await request(browser, '/giving/manage');
	expect(response.status).toBe(200);
	return response.text();
}

describe('asking for a link', () => {
	it('answers a donor and a stranger alike, in the same time; the donor gets a link, the stranger is told no gifts were found', async () => {
		const giver = await donor();
		const stranger = uniqueEmail('stranger');
		const browser = { ip: newIp() };
		const answers = [];
		for (const [email, page] of [
			[giver.email.toUpperCase(), '/giving'],
			[stranger, '/fr/giving']
		]) {
			const started = performance.now();
			const response = await post(browser, page, { email });
			answers.push({ response, ms: performance.now() - started });
		}
		expect(answers.map(({ response }) => response.status)).toEqual([303, 303]);
		expect(answers[0].response.headers.get('location')).toBe('/giving/check-email');
		expect(answers[1].response.headers.get('location')).toBe('/fr/giving/check-email');
		const times = answers.map((answer) => answer.ms);
		expect(Math.min(...times)).toBeGreaterThanOrEqual(400);
		expect(Math.max(...times) - Math.min(...times)).toBeLessThan(250);

		// The donor: a link to their page, in the language they asked in, to the address on file.
		const [toGiver] = await query<{ to_email: string; language: string; link: string }>(
			`select to_email, language, data ->> 'link' as link from email_outbox
			 where supporter_id = $1 and template = 'giving-link'`,
			[giver.supporterId]
		);
		expect(toGiver.to_email).toBe(giver.email);
		expect(toGiver.language).toBe('en');
		expect(toGiver.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/giving\/link\?token=[a-z2-7]{32}$/);
		// Only the link's hash is kept.
		const token = new URL(toGiver.link).searchParams.get('token')!;
		const links = await query<{ token_hash: string }>(
			`select token_hash from giving_links where supporter_id = $1`,
			[giver.supporterId]
		);
		expect(links).toEqual([{ token_hash: hash(token) }]);

		// The stranger: no link, in the page's language, and nothing kept about them.
		const [toStranger] = await query<{ id: number; language: string; link: string | null }>(
			`select id, language, data ->> 'link' as link from email_outbox where to_email = $1`,
			[stranger]
		);
		expect(toStranger).toMatchObject({ language: 'fr', link: null });
		const viewer = await (await fetch(`${site.url}/dev/mail/${toStranger.id}`)).text();
		expect(viewer).toContain('Nous n’avons trouvé aucun don fait avec cette adresse courriel.');
	});

	it('says what is wrong with the address, next to the field', async () => {
		const response = await post({ ip: newIp() }, '/fr/giving', { email: 'pas-une-adresse' });
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('Entrez une adresse courriel, par exemple nom@example.org.');
		expect(html).toContain('value="pas-une-adresse"');
	});

	it('stops after five requests for one address in an hour, and after thirty from one IP address', async () => {
		const giver = await donor();
		const statuses = [];
		for (let i = 0; i < 6; i++) {
			statuses.push((await post({ ip: newIp() }, '/giving', { email: giver.email })).status);
		}
		expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
		const refused = await post({ ip: newIp() }, '/giving', { email: giver.email });
		expect(await refused.text()).toContain('Too many requests for now. Wait an hour');

		const crowd = { ip: newIp() };
		const fromOneIp = await Promise.all(
			Array.from({ length: 31 }, () => post(crowd, '/giving', { email: uniqueEmail('crowd') }))
		);
		const counts = fromOneIp.reduce<Record<number, number>>((all, response) => {
			all[response.status] = (all[response.status] ?? 0) + 1;
			return all;
		}, {});
		expect(counts).toEqual({ 303: 30, 429: 1 });
	});
});

describe('the link', () => {
	it('opening it changes nothing; its button signs in once, with a 2-hour HttpOnly cookie', async () => {
		const giver = await donor();
		const browser: Browser = { ip: newIp() };
		await post(browser, '/giving', { email: giver.email });
		const token = await tokenSentTo(giver.email);

		// A mail scanner following the link uses nothing up.
		for (let i = 0; i < 2; i++) {
			const page = await request(browser, `/giving/link?token=${token}`);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('Open my giving page');
		}
		const [link] = await query<{ used_at: string | null }>(
			`select used_at from giving_links where token_hash = $1`,
			[hash(token)]
		);
		expect(link.used_at).toBeNull();

		const opened = await post(browser, `/giving/link?token=${token}`, { token });
		expect(opened.status).toBe(303);
		const setCookie = opened.headers
			.getSetCookie()
			.find((c) => c.startsWith('champions_giving_session='))!;
		expect(setCookie).toMatch(/; HttpOnly/i);
		expect(setCookie).toMatch(/; Secure/i);
		expect(setCookie).toMatch(/; SameSite=Lax/i);
		expect(setCookie).toMatch(/; Path=\//i);
		const expires = Date.parse(/Expires=([^;]+)/i.exec(setCookie)![1]);
		expect(Math.abs(expires - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
		// The cookie's token is stored only as its hash.
		const cookieToken = setCookie.split(';')[0].split('=')[1];
		const sessions = await query<{ id_hash: string }>(
			`select id_hash from giving_sessions where supporter_id = $1`,
			[giver.supporterId]
		);
		expect(sessions).toEqual([{ id_hash: hash(cookieToken) }]);

		const again = await post({ ip: newIp() }, `/giving/link?token=${token}`, { token });
		expect(again.status).toBe(400);
		expect(await again.text()).toContain('This link has already been used.');
		const page = await request({ ip: newIp() }, `/giving/link?token=${token}`);
		expect(await page.text()).toContain('This link has already been used.');
	});

	it('is refused after an hour, and a made-up one is refused too', async () => {
		const giver = await donor();
		const browser: Browser = { ip: newIp() };
		await post(browser, '/giving', { email: giver.email });
		const token = await tokenSentTo(giver.email);
		await query(
			`update giving_links set expires_at = now() - interval '1 second' where token_hash = $1`,
			[hash(token)]
		);
		const late = await post(browser, `/giving/link?token=${token}`, { token });
		expect(late.status).toBe(400);
		expect(await late.text()).toContain('This link has expired');
		expect(late.headers.getSetCookie().join()).not.toContain('champions_giving_session');

		const madeUp = 'a'.repeat(32);
		const unknown = await post(browser, `/giving/link?token=${madeUp}`, { token: madeUp });
		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toContain('This link is not valid.');
	});

	it('a session ends after 2 hours, and at once when the donor signs out', async () => {
		const giver = await donor();
		const first = await signIn(giver.email);
		expect(await managePage(first)).toContain('Your giving');
		await query(
			`update giving_sessions set expires_at = now() - interval '1 second'
			 where supporter_id = $1`,
			[giver.supporterId]
		);
		const expired = await request(first, '/giving/manage');
		expect(expired.status).toBe(303);
		expect(expired.headers.get('location')).toBe('/giving');

		const second = await signIn(giver.email);
		const out = await post(second, '/giving/manage?/signOut', {});
		expect(out.status).toBe(303);
		expect(out.headers.get('location')).toBe('/giving?signed-out');
		expect(out.headers.getSetCookie().join()).toMatch(/champions_giving_session=;/);
		// The old cookie, kept by someone, opens nothing.
		expect((await request(second, '/giving/manage')).status).toBe(303);
		const [session] = await query<{ ended_at: string | null }>(
			`select ended_at from giving_sessions where supporter_id = $1 order by created_at desc limit 1`,
			[giver.supporterId]
		);
		expect(session.ended_at).not.toBeNull();
	});
});

describe('what a session sees', () => {
	it('a donor sees only their own gifts and receipts; another donor’s receipt is not found', async () => {
		const [alice, bob] = [await donor({ amountCents: 7300 }), await donor({ amountCents: 4100 })];
		const [aliceSerial, bobSerial] = await Promise.all(
			[alice, bob].map(async (d) => {
				const [row] = await query<{ serial: string }>(`select serial from receipts where id = $1`, [
					d.receiptId
				]);
				return row.serial;
			})
		);
		const browser = await signIn(alice.email);
		const html = await managePage(browser);
		expect(html).toContain('$73');
		expect(html).toContain(aliceSerial);
		expect(html).not.toContain('$41');
		expect(html).not.toContain(bobSerial);
		expect(html).not.toContain(bob.email);

		const own = await request(browser, `/giving/manage/receipts/${alice.receiptId}`);
		expect(own.status).toBe(200);
		expect(own.headers.get('content-type')).toBe('application/pdf');
		expect(own.headers.get('content-disposition')).toMatch(
			/^attachment; filename="receipt-.+\.pdf"$/
		);
		expect(own.headers.get('cache-control')).toBe('private, no-store');
		expect(
			Buffer.from(await own.arrayBuffer())
				.subarray(0, 5)
				.toString()
		).toBe('%PDF-');

		for (const id of [bob.receiptId!, randomUUID(), 'not-a-receipt']) {
			const response = await request(browser, `/giving/manage/receipts/${id}`);
			expect(response.status, id).toBe(404);
		}
		// Without a session, nobody's receipt.
		const anonymous = await request({ ip: newIp() }, `/giving/manage/receipts/${alice.receiptId}`);
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/giving');
	});

	it('a partly refunded gift says so, and its receipt is replaced', async () => {
		const giver = await donor({ amountCents: 10000 });
		await applyEvent('charge.refunded', {
			payment_intent: giver.paymentIntent,
			charge: `ch_local_${randomUUID().slice(0, 8)}`,
			amount_refunded: 2500,
			currency: 'cad'
		});
		const html = await managePage(await signIn(giver.email));
		expect(html).toContain('Partly refunded ($25 refunded)');
		expect(html).toContain('Cancelled: the gift was partly refunded');
		expect(html).toMatch(/Replaced by TEST-\d{4}-\d{6}/);
		expect(html).toContain('Your test gifts ($75) are not real money and are not counted.');
	});

	it('a donor cannot change, cancel or open the portal of another donor’s monthly gift', async () => {
		const [alice, bob] = [
			await donor({ frequency: 'monthly' }),
			await donor({ frequency: 'monthly' })
		];
		const browser = await signIn(alice.email);
		for (const [action, fields] of [
			['cancel', { gift: bob.recurringId! }],
			['renew', { gift: bob.recurringId! }],
			['amount', { gift: bob.recurringId!, amount: '40' }],
			['portal', { gift: bob.recurringId! }]
		] as const) {
			const response = await post(browser, `/giving/manage?/${action}`, fields);
			expect(response.status, action).toBe(400);
		}
		const [bobsGift] = await query<{ status: string; amount_cents: number; payments: number }>(
			`select r.status, r.amount_cents::int,
			   (select count(*)::int from gifts g where g.recurring_gift_id = r.id) as payments
			 from recurring_gifts r where r.id = $1`,
			[bob.recurringId]
		);
		expect(bobsGift).toEqual({ status: 'active', amount_cents: 5000, payments: 1 });
	});
});

describe('a test monthly gift (no Stripe key)', () => {
	it('changes its amount within the limits, renews on demand, and cancels', async () => {
		const giver = await donor({ frequency: 'monthly', amountCents: 2500 });
		const browser = await signIn(giver.email);
		expect(await managePage(browser)).toContain('$25 a month: Where most needed');

		const tooSmall = await post(browser, '/giving/manage?/amount', {
			gift: giver.recurringId!,
			amount: '2'
		});
		expect(tooSmall.status).toBe(400);
		expect(await tooSmall.text()).toContain('The smallest monthly gift is $5.');
		const notAmount = await post(browser, '/fr/giving/manage?/amount', {
			gift: giver.recurringId!,
			amount: 'beaucoup'
		});
		expect(await notAmount.text()).toContain('Entrez un montant en dollars');

		const changed = await post(browser, '/fr/giving/manage?/amount', {
			gift: giver.recurringId!,
			amount: '40,50'
		});
		expect(changed.status).toBe(303);
		expect(changed.headers.get('location')).toBe('/fr/giving/manage?done=amount');
		const renewed = await post(browser, '/giving/manage?/renew', { gift: giver.recurringId! });
		expect(renewed.headers.get('location')).toBe('/giving/manage?done=renewed');
		const payments = await query<{ amount_cents: number; status: string }>(
			`select amount_cents::int, status from gifts where recurring_gift_id = $1 order by amount_cents`,
			[giver.recurringId]
		);
		expect(payments).toEqual([
			{ amount_cents: 2500, status: 'succeeded' },
			{ amount_cents: 4050, status: 'succeeded' }
		]);

		// Cancelling asks first (the link), then the button cancels.
		const asking = await request(browser, `/giving/manage?cancel=${giver.recurringId}`);
		expect(await asking.text()).toContain('Yes, cancel my monthly gift');
		const cancelled = await post(browser, '/giving/manage?/cancel', { gift: giver.recurringId! });
		expect(cancelled.headers.get('location')).toBe('/giving/manage?done=cancelled');
		const [after] = await query<{ status: string; amount_cents: number }>(
			`select status, amount_cents::int from recurring_gifts where id = $1`,
			[giver.recurringId]
		);
		expect(after).toEqual({ status: 'canceled', amount_cents: 4050 });
		const again = await post(browser, '/giving/manage?/renew', { gift: giver.recurringId! });
		expect(again.status).toBe(400);
		expect(await again.text()).toContain('This monthly gift is already cancelled.');

		const audit = await query<{ action: string }>(
			`select action from audit_log where target = $1 and action like 'giving.monthly%' order by id`,
			[giver.supporterId]
		);
		expect(audit.map((row) => row.action)).toEqual([
			'giving.monthly_amount_changed',
			'giving.monthly_cancelled'
		]);
	});
});

describe('with a Stripe key', () => {
	it('opens Stripe’s customer portal for the donor’s own monthly gift, and comes back to their page', async () => {
		const giver = await donor({ frequency: 'monthly', stripeIds: 'stripe' });
		const browser = await signIn(giver.email, stripeSite);
		const html = await managePage(browser);
		expect(html).toContain('Change my card, or cancel');
		expect(html).not.toContain('Simulate next month’s payment');

		const opened = await post(browser, '/giving/manage?/portal', { gift: giver.recurringId! });
		expect(opened.status).toBe(303);
		expect(opened.headers.get('location')).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
		const call = stripe.requests.filter((r) => r.path === '/v1/billing_portal/sessions').at(-1)!;
		const [row] = await query<{ stripe_customer: string }>(
			`select stripe_customer from recurring_gifts where id = $1`,
			[giver.recurringId]
		);
		expect(call.body).toEqual({
			customer: row.stripe_customer,
			return_url: `${stripeSite.url}/giving/manage`
		});
		// The amount changes through Stripe's API (the portal cannot change a gift's own
		// price), from the next payment on, and shows at once.
		const [held] = await query<{ stripe_subscription: string; checkout_id: string }>(
			`select stripe_subscription, checkout_id from recurring_gifts where id = $1`,
			[giver.recurringId]
		);
		stripe.addSubscription(held.stripe_subscription, {
			checkoutId: held.checkout_id,
			amountCents: 5000,
			currency: 'cad'
		});
		const changed = await post(browser, '/giving/manage?/amount', {
			gift: giver.recurringId!,
			amount: '40'
		});
		expect(changed.headers.get('location')).toBe('/giving/manage?done=amount');
		const update = stripe.requests
			.filter(
				(r) => r.method === 'POST' && r.path === `/v1/subscriptions/${held.stripe_subscription}`
			)
			.at(-1)!;
		expect(update.body).toMatchObject({
			proration_behavior: 'none',
			items: {
				'0': {
					price_data: { unit_amount: '4000', currency: 'cad', recurring: { interval: 'month' } }
				}
			}
		});
		const [afterChange] = await query<{ amount_cents: number; status: string }>(
			`select amount_cents::int, status from recurring_gifts where id = $1`,
			[giver.recurringId]
		);
		expect(afterChange).toEqual({ amount_cents: 4000, status: 'active' });
		// Back to $50, then $40 again: each change is its own request, none replayed.
		for (const [typed, cents] of [
			['50', 5000],
			['40', 4000]
		] as const) {
			await post(browser, '/giving/manage?/amount', { gift: giver.recurringId!, amount: typed });
			const [now] = await query<{ amount_cents: number }>(
				`select amount_cents::int from recurring_gifts where id = $1`,
				[giver.recurringId]
			);
			expect(now.amount_cents).toBe(cents);
		}

		// A test subscription of the local checkout cannot be changed with a key set.
		const local = await donor({ frequency: 'monthly' });
		const other = await signIn(local.email, stripeSite);
		const refused = await post(other, '/giving/manage?/cancel', { gift: local.recurringId! });
		expect(refused.status).toBe(400);
	});
});

describe('privacy', () => {
	it('an access request lists the links and sessions; an erasure removes them and ends the session', async () => {
		const giver = await donor();
		const browser = await signIn(giver.email);
		const db = serviceClient();
		const exported = await db.rpc('privacy_export', { p_supporter: giver.supporterId });
		expect(exported.error).toBeNull();
		expect(exported.data.giving_links).toHaveLength(1);
		expect(exported.data.giving_links[0].used_at).not.toBeNull();
		expect(exported.data.giving_sessions).toHaveLength(1);
		expect(exported.data.gifts).toHaveLength(1);

		const erased = await db.rpc('privacy_erase_supporter', {
			p_supporter: giver.supporterId,
			p_wording_en: 'Erased at my request.',
			p_wording_fr: 'Effacé à ma demande.'
		});
		expect(erased.error).toBeNull();
		const left = await query<{ n: number }>(
			`select (select count(*) from giving_links where supporter_id = $1)
			      + (select count(*) from giving_sessions where supporter_id = $1) as n`,
			[giver.supporterId]
		);
		expect(Number(left[0].n)).toBe(0);
		expect((await request(browser, '/giving/manage')).status).toBe(303);
		const ips = await query<{ ip: string | null }>(
			`select ip from audit_log where action like 'giving.%' and target = $1`,
			[giver.supporterId]
		);
		expect(ips.length).toBeGreaterThan(0);
		expect(ips.every((row) => row.ip === null)).toBe(true);

		// Asking again with their old address finds no gifts: they are no one now.
		await post({ ip: newIp() }, '/giving', { email: giver.email });
		const [last] = await query<{ link: string | null; supporter_id: string | null }>(
			`select data ->> 'link' as link, supporter_id from email_outbox
			 where template = 'giving-link' and to_email = $1 order by id desc limit 1`,
			[giver.email.toLowerCase()]
		);
		expect(last).toEqual({ link: null, supporter_id: null });
	});
});
