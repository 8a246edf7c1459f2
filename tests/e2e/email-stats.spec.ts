import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// A sent broadcast's results, as staff read them: each number with what it means,
// rates of the emails delivered, clicks by link, a gift that followed a click, the
// A/B test's variants, and the chart with its table. The e2e site sends nothing
// (no Resend key), so the send and Resend's events are written in SQL.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const REPORT = 'https://example.org/report';
const GIVE = 'https://example.org/give';

/**
 * An A/B-tested broadcast sent to four readers about five hours ago: three
 * delivered (one bounced), two opened an hour later, two clicked an hour after
 * that (one of them the report, twice), and one of them gave.
 */
async function sentBroadcast() {
	const name = `Spring results ${unique()}`;
	const [broadcast] = await sql(
		`insert into broadcasts (name, topic, status, track_opens, links, ab, ab_winner, ab_decided_at,
		   started_at, finished_at)
		 values ($1, 'results', 'sent', true, $2::jsonb,
		   '{"test": "subject", "sample_percent": 20, "metric": "opens", "decide_after_minutes": 60}', 'b',
		   date_trunc('hour', now()) - interval '4 hours',
		   date_trunc('hour', now()) - interval '5 hours' + interval '10 minutes',
		   date_trunc('hour', now()) - interval '4 hours')
		 returning id, started_at`,
		[name, JSON.stringify([REPORT, GIVE])]
	);
	const rows: { id: number; supporter: string }[] = [];
	for (const [index, variant] of ['a', 'b', 'a', 'b'].entries()) {
		const [supporter] = await sql(
			`insert into supporters (email, first_name, language) values ($1, 'Reader', 'en') returning id, email`,
			[`stats.${unique()}.${index}@example.org`]
		);
		const [row] = await sql(
			`insert into email_outbox (idempotency_key, template, data, language, supporter_id, to_email, kind,
			   broadcast_id, variant, status, sent_at)
			 values ($1, 'broadcast', jsonb_build_object('broadcast', $2::uuid, 'variant', $3::text), 'en', $4,
			   $5, 'broadcast', $2, $3, 'sent', $6)
			 returning id`,
			[
				`broadcast:${broadcast.id}:${supporter.id}`,
				broadcast.id,
				variant,
				supporter.id,
				supporter.email,
				broadcast.started_at
			]
		);
		rows.push({ id: Number(row.id), supporter: supporter.id });
	}
	const at = (minutes: number) => new Date(Date.parse(broadcast.started_at) + minutes * 60_000);
	const event = (row: { id: number }, type: string, when: Date) =>
		sql(
			`insert into email_events (svix_id, type, outbox_id, occurred_at, payload)
			 values ($1, $2, $3, $4, '{}')`,
			[`msg_${unique()}`, type, row.id, when]
		);
	for (const row of rows.slice(0, 3)) await event(row, 'email.delivered', at(5));
	await event(rows[3], 'email.bounced', at(5));
	// Resend and our image both saw these two opens: each email counts once.
	await event(rows[0], 'email.opened', at(70));
	await event(rows[1], 'email.opened', at(70));
	await sql(
		`insert into email_opens (outbox_id, broadcast_id, opened_at) values ($1, $2, $3), ($4, $2, $3)`,
		[rows[0].id, broadcast.id, at(75), rows[1].id]
	);
	await sql(
		`insert into email_clicks (outbox_id, broadcast_id, link_index, url, clicked_at) values
		   ($1, $3, 0, $4, $6), ($1, $3, 0, $4, $6), ($2, $3, 1, $5, $6)`,
		[rows[0].id, rows[1].id, broadcast.id, REPORT, GIVE, at(150)]
	);
	await sql(
		`insert into gifts (supporter_id, amount_cents, currency, frequency, status, received_at)
		 values ($1, 5000, 'cad', 'one_time', 'succeeded', $2)`,
		[rows[1].supporter, at(180)]
	);
	return { id: broadcast.id as string, name };
}

test.describe('email results', () => {
	test('a campaigner reads what a sent email did: each number explained, clicks by link, what followed, the A/B variants and the chart’s table', async ({
		page
	}) => {
		const broadcast = await sentBroadcast();
		await signIn(page, addStaff('campaigner'));
		await page.goto(`/admin/emails/${broadcast.id}/stats`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Results: ${broadcast.name}`);

		const figure = (label: string) =>
			page
				.locator('.figure')
				.filter({ has: page.getByRole('term').getByText(label, { exact: true }) });
		await expect(figure('Queued')).toContainText('4');
		await expect(figure('Delivered')).toContainText('3');
		await expect(figure('Delivered')).toContainText('The receiving mail server accepted it');
		await expect(figure('Bounced')).toContainText('1');
		await expect(figure('Opened')).toContainText('2');
		await expect(figure('Opened')).toContainText('66.7% of delivered');
		await expect(figure('Opened')).toContainText('Apple Mail’s privacy protection');
		await expect(figure('Clicked')).toContainText('66.7% of delivered');
		await expect(figure('Unsubscribed')).toContainText('0');

		const links = page.getByRole('table', { name: 'Clicks by link' });
		await expect(links.getByRole('row').filter({ hasText: REPORT }).getByRole('cell')).toHaveText([
			'2',
			'1 (33.3%)'
		]);
		await expect(links.getByRole('row').filter({ hasText: GIVE }).getByRole('cell')).toHaveText([
			'1',
			'1 (33.3%)'
		]);

		const followed = page.getByRole('region', { name: 'Gifts and signatures that followed' });
		await expect(followed).toContainText('within 7 days after their first click');
		await expect(followed.getByRole('definition').nth(1)).toHaveText('1');
		await expect(followed.getByRole('definition').nth(2)).toHaveText('$50');

		const variants = page.getByRole('table', { name: 'A/B test' });
		await expect(
			variants.getByRole('row').filter({ hasText: 'Variant B (winner)' }).getByRole('cell')
		).toHaveText(['2', '1', '1 (50%)', '1 (50%)']);

		await expect(page.getByRole('figure', { name: 'Over time' })).toContainText(
			'2 opened and 2 clicked in this time'
		);
		await page.getByText('Show these figures as a table').click();
		const overTime = page.getByRole('table', { name: 'Over time' });
		await expect(overTime).toBeVisible();
		const hours = overTime.locator('tbody').getByRole('row');
		// Started between five and six hours ago: six hours, each its own row.
		await expect(hours).toHaveCount(6);
		await expect(hours.nth(0).getByRole('cell')).toHaveText(['3', '0', '0']);
		await expect(hours.nth(1).getByRole('cell')).toHaveText(['0', '2', '0']);
		await expect(hours.nth(2).getByRole('cell')).toHaveText(['0', '0', '2']);
	});

	test('a viewer may not read them, and an email that does not exist is not found', async ({
		page
	}) => {
		const broadcast = await sentBroadcast();
		await signIn(page, addStaff('campaigner'));
		const missing = await page.goto(`/admin/emails/${crypto.randomUUID()}/stats`);
		expect(missing?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');

		await page.context().clearCookies();
		await signIn(page, addStaff('viewer'));
		const refused = await page.goto(`/admin/emails/${broadcast.id}/stats`);
		expect(refused?.status()).toBe(403);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
	});
});
