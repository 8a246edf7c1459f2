import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_DATA, E2E_RESEND_WEBHOOK_SECRET } from '../../playwright.config.ts';
import { startResendDouble, type DoubleEmail, type ResendDouble } from '../doubles/resend.ts';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// A results update from first draft to what it did, with the real parts: staff
// compose and send it; `npm run worker` sends it through the real `resend` package
// to a local double of Resend's API; the double posts Resend's signed webhooks back
// to the site; a reader follows a tracked link, another unsubscribes with one click
// from the mail client, a third chooses topics in the preference centre; and the
// stats page moves with each of them.

const ROOT = path.resolve(import.meta.dirname, '../..');
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let resend: ResendDouble;
test.beforeAll(async () => {
	resend = await startResendDouble();
});
test.afterAll(async () => {
	await resend?.close();
});

/** Runs `npm run worker -- --until-idle` against this site's stack and the double. */
async function runWorker(siteUrl: string) {
	const stack = JSON.parse(
		readFileSync(path.join(ROOT, path.dirname(E2E_DATA), 'stack.json'), 'utf8')
	) as Record<string, string>;
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!name.startsWith('PLAYWRIGHT') && name !== 'NODE_ENV') env[name] = value;
	}
	const child = spawn(process.execPath, ['scripts/worker.ts', '--until-idle'], {
		cwd: ROOT,
		env: {
			...env,
			SUPABASE_URL: stack.SUPABASE_URL,
			SUPABASE_ANON_KEY: stack.SUPABASE_ANON_KEY,
			SUPABASE_SERVICE_ROLE_KEY: stack.SUPABASE_SERVICE_ROLE_KEY,
			RESEND_API_KEY: 're_test_double',
			RESEND_BASE_URL: resend.url,
			RESEND_WEBHOOK_SECRET: E2E_RESEND_WEBHOOK_SECRET,
			RESEND_RATE_PER_SECOND: '50',
			WORKER_POLL_MS: '200',
			LOG_LEVEL: 'warn',
			SITE_URL: siteUrl
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	expect(code, output).toBe(0);
}

async function reader(marker: string, language: 'en' | 'fr', name: string, tagId: string) {
	const [row] = await sql(
		`insert into supporters (email, first_name, language) values ($1, $2, $3) returning id, email`,
		[`${name.toLowerCase()}.${marker}@example.org`, name, language]
	);
	await sql(
		`insert into consents (supporter_id, channel, status, source, wording, language, given_at)
		 values ($1, 'email', 'granted', '/test', 'Keep me informed.', $2, now() - interval '1 year')`,
		[row.id, language]
	);
	await sql(`insert into supporter_tags (supporter_id, tag_id) values ($1, $2)`, [row.id, tagId]);
	return row.email as string;
}

const figure = (page: import('@playwright/test').Page, key: string) =>
	page.locator(`[data-figure="${key}"] .value`);

test('a results update is sent by the worker, tracked, unsubscribed from with one click, and its stats move', async ({
	page,
	baseURL,
	axe
}) => {
	test.setTimeout(120_000);
	const site = baseURL!;
	const marker = unique();
	const [tag] = await sql(`insert into tags (name) values ($1) returning id`, [
		`journey-${marker}`
	]);
	const ana = await reader(marker, 'en', 'Ana', tag.id);
	const bruno = await reader(marker, 'fr', 'Bruno', tag.id);
	const chen = await reader(marker, 'en', 'Chen', tag.id);
	await sql(`insert into segments (name, filter) values ($1, $2)`, [
		`Journey ${marker}`,
		{ tags: [`journey-${marker}`] }
	]);

	// Staff compose and send it.
	await signIn(page, addStaff('campaigner', 'journey'));
	await page.goto('/admin/emails');
	await page.getByRole('radio', { name: /A results update/ }).check();
	await page.getByRole('button', { name: 'Start the draft' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Results update');
	await page
		.getByRole('group', { name: 'English' })
		.first()
		.getByLabel('Subject')
		.fill(`Your results ${marker}`);
	await page
		.getByRole('group', { name: 'French' })
		.first()
		.getByLabel('Subject')
		.fill(`Vos résultats ${marker}`);
	await page.getByRole('checkbox', { name: `Journey ${marker} (3)` }).check();
	await page.getByRole('button', { name: 'Save and count again' }).click();
	await page.getByRole('button', { name: 'Send now to 3 supporters' }).click();
	await expect(page.getByText(/Sending · topic/)).toBeVisible();
	const broadcastUrl = page.url();

	// The worker sends it through Resend (the double), each reader in their language.
	await runWorker(site);
	const sent = (to: string) =>
		resend.emails.filter((email: DoubleEmail) => email.to === to && email.subject.includes(marker));
	expect(sent(ana).map((email) => email.subject)).toEqual([`Your results ${marker}`]);
	expect(sent(bruno).map((email) => email.subject)).toEqual([`Vos résultats ${marker}`]);
	const [anaEmail] = sent(ana);
	expect(anaEmail.html).toContain('Hi Ana,');
	expect(anaEmail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

	await page.goto(broadcastUrl);
	await expect(page.getByText(/Sent · topic/)).toBeVisible();
	await expect(page.getByText('3 of 3 done')).toBeVisible();
	await axe();

	// Resend reports deliveries and an open through its webhook.
	for (const to of [ana, bruno, chen]) {
		const statuses = await resend.deliverWebhooks(site, E2E_RESEND_WEBHOOK_SECRET, {
			type: 'email.delivered',
			to
		});
		expect(statuses.every((status) => status === 200)).toBe(true);
	}
	await resend.deliverWebhooks(site, E2E_RESEND_WEBHOOK_SECRET, { type: 'email.opened', to: ana });

	// Ana follows the button: her own tracked link, then the impact page.
	const button = /<a[^>]*class="button"[^>]*href="([^"]+)"/.exec(anaEmail.html)?.[1];
	expect(button).toMatch(/\/email\/r\/\d+\.[\w-]+\/\d+$/);
	await page.goto(button!.replaceAll('&amp;', '&'));
	await expect(page).toHaveURL(/\/impact$/);

	// Bruno unsubscribes with one click from his mail client (RFC 8058).
	const [brunoEmail] = sent(bruno);
	const oneClick = /<([^>]+)>/.exec(brunoEmail.headers['List-Unsubscribe'])![1];
	const unsubscribed = await page.request.post(oneClick, {
		form: { 'List-Unsubscribe': 'One-Click' }
	});
	expect(unsubscribed.status()).toBe(200);

	// Chen opens the preference centre from the email's footer and drops a topic.
	const [chenEmail] = sent(chen);
	const preferences = /href="([^"]*\/preferences\/[a-f0-9]+)"/.exec(chenEmail.html)?.[1];
	expect(preferences).toBeTruthy();
	await page.goto(preferences!);
	await page.getByRole('checkbox', { name: /Appeals and giving/ }).uncheck();
	await page.getByRole('button', { name: 'Save my choices' }).click();
	await expect(page.getByText('Your choices are saved.')).toBeVisible();

	// What it did.
	await page.goto(`${broadcastUrl}/stats`);
	await expect(figure(page, 'sent')).toHaveText('3');
	await expect(figure(page, 'delivered')).toHaveText('3');
	await expect(figure(page, 'opened')).toContainText('1');
	await expect(figure(page, 'clicked')).toContainText('1');
	await expect(figure(page, 'unsubscribed')).toContainText('1');
	// Clicks by link: the button's link, clicked once by one reader.
	const clicked = page
		.getByRole('row')
		.filter({ hasText: '/impact' })
		.filter({ has: page.getByRole('cell', { name: '1', exact: true }) });
	await expect(clicked).toHaveCount(1);
});
