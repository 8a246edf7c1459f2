import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// A donor's privacy: their export holds their checkouts, monthly gifts and
// receipts; erasing them cancels a monthly gift still running (no one is charged
// after being forgotten), removes their name, address and email from checkouts,
// and keeps only what the law makes us keep: the receipts as printed.

let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
	site = await startSite();
}, 180_000);

afterAll(async () => {
	await site?.stop();
});

const query = (text: string, params: unknown[] = []) =>
	withSql(async (sql) => (await sql.query(text, params)).rows);

function post(path: string, fields: Record<string, string>) {
	return fetch(`${site.url}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			origin: site.url
		},
		body: new URLSearchParams(fields)
	});
}

/** Applies an event as the webhook would (reduced), straight in SQL. */
const apply = (type: string, object: Record<string, unknown>) =>
	query('select public.stripe_event_apply($1)', [
		{
			id: `evt_local_${randomUUID()}`,
			type,
			created: new Date().toISOString(),
			livemode: false,
			object
		}
	]);

async function donor() {
	const email = uniqueEmail('Generous.Donor');
	const lastName = `Quillfeather${randomUUID().slice(0, 8)}`;
	const street = `${randomUUID().slice(0, 6)} Rue Saint-Denis`;
	const checkout = async (frequency: string) =>
		(
			await query(
				`insert into donation_checkouts (test, frequency, amount_cents, currency, wants_receipt, email,
					first_name, last_name, address_line1, city, province, postal_code, country, language,
					tribute_kind, tribute_name)
				values (true, $1, 5000, 'cad', true, $2, 'Oriane', $3, $5, 'Montréal', 'QC',
					'H2X 3K8', 'Canada', 'fr', 'memory', $4)
				returning id`,
				[frequency, email, lastName, `Grand-mère ${lastName}`, street]
			)
		)[0].id as string;
	const once = await checkout('one_time');
	await apply('checkout.session.completed', {
		checkout_id: once,
		session: `cs_local_${randomUUID()}`,
		mode: 'payment',
		payment_status: 'paid',
		payment_intent: `pi_local_${randomUUID()}`,
		amount_cents: 5000,
		currency: 'cad'
	});
	const monthly = await checkout('monthly');
	const subscription = `sub_local_${randomUUID().replaceAll('-', '')}`;
	await apply('invoice.paid', {
		checkout_id: monthly,
		invoice: `in_local_${randomUUID()}`,
		subscription,
		amount_cents: 5000,
		currency: 'cad',
		payment_intent: `pi_local_${randomUUID()}`
	});
	return { email, lastName, street, subscription };
}

async function confirmedToken(email: string, kind: 'access' | 'erasure') {
	expect((await post('/fr/privacy', { email, kind })).status).toBe(303);
	const [row] = await query(
		`select data ->> 'link' as link from email_outbox
		where template = 'privacy-confirm' and lower(to_email) = lower($1) order by id desc limit 1`,
		[email]
	);
	const token = new URL(row.link).searchParams.get('token')!;
	expect((await post(`/fr/privacy/confirm?token=${token}&/confirm`, { token })).status).toBe(200);
	return token;
}

it('gives a donor their checkouts, monthly gifts and receipts in their file', async () => {
	const person = await donor();
	const token = await confirmedToken(person.email, 'access');
	const file = await post('/privacy/confirm/download', { token });
	expect(file.status).toBe(200);
	const data = (await file.json()) as Record<string, { last_name?: string; status?: string }[]>;
	expect(data.donation_checkouts).toHaveLength(2);
	expect(data.donation_checkouts[0].last_name).toBe(person.lastName);
	expect(data.monthly_gifts).toEqual([expect.objectContaining({ status: 'active' })]);
	expect(data.receipts).toHaveLength(1);
});

it('cancels a running monthly gift, erases the donor everywhere but on the receipts the law keeps', async () => {
	const person = await donor();
	const token = await confirmedToken(person.email, 'erasure');
	const erased = await post(`/fr/privacy/confirm?token=${token}&/erase`, { token });
	expect(await erased.text()).toContain('Vos données ont été effacées');

	const [recurring] = await query(
		'select status, canceled_at from recurring_gifts where stripe_subscription = $1',
		[person.subscription]
	);
	expect(recurring.status).toBe('canceled');

	// The email is nowhere; the name only on the receipt, as printed.
	const hits = async (needle: string) =>
		withSql(async (sql) => {
			const columns = await sql.query(
				`select c.table_name, c.column_name from information_schema.columns c
				join information_schema.tables t using (table_schema, table_name)
				where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
					and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`
			);
			const found: string[] = [];
			for (const { table_name, column_name } of columns.rows) {
				const { rows } = await sql.query(
					`select count(*)::int as n from public.${JSON.stringify(table_name)}
					where strpos(lower(${JSON.stringify(column_name)}::text), lower($1)) > 0`,
					[needle]
				);
				if (rows[0].n > 0) found.push(`${table_name}.${column_name}`);
			}
			return found;
		});
	expect(await hits(person.email)).toEqual([]);
	expect(await hits(person.lastName)).toEqual(['receipts.donor_name']);
	expect(await hits(person.street)).toEqual(['receipts.donor_address']);

	const [gifts] = await query(
		`select count(*)::int as n, sum(net_cents)::int as net from gifts g
		join donation_checkouts c on c.id = g.checkout_id where c.email = $1`,
		[
			`erased-${(await query('select supporter_id from recurring_gifts where stripe_subscription = $1', [person.subscription]))[0].supporter_id}@erased.invalid`
		]
	);
	expect(gifts).toEqual({ n: 2, net: 10_000 });
});
