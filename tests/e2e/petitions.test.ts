import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { sql } from './staff.ts';

// A reader signs the seeded petition (in English and in French), shares it, is
// asked to give, and gets a thank-you email; spam is refused with a reason; a
// closed petition cannot be signed; the count moves for a second reader; partners
// frame the embed. Every test runs with JavaScript on and off.

const SLUG = 'protect-children-online';
const TITLE = 'Stop Canadians from paying for the live-streamed abuse of children';
const TITLE_FR = 'Empêcher des Canadiens de payer pour des abus d’enfants diffusés en direct';
/** The form refuses anything sent back sooner than this after it was served (PETITION_MIN_FILL_SECONDS). */
const MIN_FILL_MS = 3000;

let counter = 0;
function address(name: string, javaScriptEnabled: boolean) {
	counter += 1;
	return `${name}.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now().toString(36)}.${counter}@example.org`;
}

const LABELS = {
	en: {
		first: 'First name',
		last: 'Last name',
		email: 'Email address',
		postal: 'Postal code',
		comment: 'Comment (optional)',
		consent: 'Yes, email me updates on this petition',
		showName: 'Show my first name and province',
		submit: 'Sign the petition'
	},
	fr: {
		first: 'Prénom',
		last: 'Nom de famille',
		email: 'Adresse courriel',
		postal: 'Code postal',
		comment: 'Commentaire (facultatif)',
		consent: 'Oui, envoyez-moi par courriel des nouvelles',
		showName: 'Afficher mon prénom',
		submit: 'Signer la pétition'
	}
};

interface Signer {
	first?: string;
	last?: string;
	email: string;
	postal?: string;
	comment?: string;
	consent?: boolean;
	showName?: boolean;
}

/** Opens a petition form and notes when it was served. */
async function open(page: Page, path = `/petitions/${SLUG}`) {
	await page.goto(path);
	return Date.now();
}

/** Fills the form as a person would, in the page's language. */
async function fill(page: Page, signer: Signer, language: 'en' | 'fr' = 'en') {
	const label = LABELS[language];
	await page.getByLabel(label.first, { exact: true }).fill(signer.first ?? 'Marie');
	await page.getByLabel(label.last, { exact: true }).fill(signer.last ?? 'Tremblay');
	await page.getByLabel(label.email, { exact: true }).fill(signer.email);
	await page.getByLabel(label.postal, { exact: true }).fill(signer.postal ?? 'h2x 1y4');
	if (signer.comment) await page.getByLabel(label.comment).fill(signer.comment);
	if (signer.consent) await page.getByLabel(label.consent).check();
	if (signer.showName) await page.getByLabel(label.showName).check();
}

/** Sends the form once the minimum fill time since `servedAt` has passed. */
async function send(page: Page, servedAt: number, language: 'en' | 'fr' = 'en') {
	const wait = servedAt + MIN_FILL_MS + 200 - Date.now();
	if (wait > 0) await page.waitForTimeout(wait);
	await page.getByRole('button', { name: LABELS[language].submit }).click();
}

async function sign(page: Page, signer: Signer, path?: string) {
	const servedAt = await open(page, path);
	await fill(page, signer);
	await send(page, servedAt);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you for signing');
}

async function signatureCount(slug = SLUG): Promise<number> {
	const [row] = await sql('select signature_count from petitions where slug = $1', [slug]);
	return row.signature_count;
}

/** The newest email to `email`, opened in the mail viewer: its text. */
async function emailTo(page: Page, email: string): Promise<string> {
	await page.goto('/dev/mail');
	await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
	// The text part wraps long lines: compare it as one line.
	return ((await page.locator('pre').textContent()) ?? '').replace(/\s+/g, ' ');
}

const count = (page: Page) => page.getByTestId('signature-count');

/**
 * A partner's website: a real server of another origin on this machine (Chromium
 * refuses to let a page it did not fetch from an address frame a local one).
 */
async function partnerSite() {
	let body = '';
	const server = createServer((request, response) => {
		response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		response.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://localhost:${port}`,
		serve(snippet: string) {
			body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A partner</title></head><body><main><h1>A partner’s page</h1>${snippet}</main></body></html>`;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

test.describe('signing a petition', () => {
	test('a reader signs in English, shares a link with their code, and sees who signed through it; the thank-you email comes in English', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const before = await signatureCount();
		const marie = address('marie', javaScriptEnabled);
		const servedAt = await open(page);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
		await expect(page.getByText('The Minister of Public Safety of Canada')).toBeVisible();
		await expect(page.getByRole('progressbar')).toHaveAccessibleName(
			/% of the goal of 10,000 signatures/
		);
		await expect(page.getByRole('list', { name: 'Milestones' }).getByRole('listitem')).toHaveText([
			/2,500 \(25 %\)/,
			/5,000 \(50 %\)/,
			/7,500 \(75 %\)/,
			/10,000 \(100 %\)/
		]);
		// The consent box starts unticked.
		await expect(page.getByLabel(LABELS.en.consent)).not.toBeChecked();
		await axe();

		await fill(page, {
			email: marie,
			comment: 'For the children <b>now</b>',
			consent: true,
			showName: true
		});
		// With JavaScript the page is not reloaded: what this page holds survives the signing.
		if (javaScriptEnabled)
			await page.evaluate(() => ((window as { stayed?: boolean }).stayed = true));
		await send(page, servedAt);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you for signing');
		if (javaScriptEnabled) {
			expect(await page.evaluate(() => (window as { stayed?: boolean }).stayed)).toBe(true);
		}
		await expect(page.getByRole('status').first()).toContainText(TITLE);
		expect(await signatureCount()).toBe(before + 1);

		// Every share link carries their referral code.
		const link = await page.getByLabel('Your link').inputValue();
		const code = /\/petitions\/protect-children-online\?ref=([0-9a-f]{10})$/.exec(link)?.[1];
		expect(code, 'the share link carries a referral code').toBeTruthy();
		for (const [name, host] of [
			['WhatsApp', 'https://wa.me/'],
			['Facebook', 'https://www.facebook.com/sharer/sharer.php'],
			['X', 'https://x.com/intent/post'],
			['Email', 'mailto:']
		]) {
			const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
			expect(href).toContain(host);
			expect(decodeURIComponent(href!)).toContain(`?ref=${code}`);
		}
		await expect(page.getByTestId('referred')).toHaveText(
			'People who signed through your links: 0'
		);
		await expect(page.getByRole('link', { name: 'Give to this campaign' })).toHaveAttribute(
			'href',
			'/donate?campaign=protect-children-online'
		);
		// They ticked the box: no second ask.
		await expect(
			page.getByRole('heading', { name: /Hear what your signature achieves/ })
		).toHaveCount(0);
		const thanksUrl = page.url();
		await axe();

		// Their consent is in the ledger with the words they saw.
		const consents = await sql(
			`select c.wording, c.source, c.kind, c.language from consents c
			 join supporters s on s.id = c.supporter_id where lower(s.email) = lower($1)`,
			[marie]
		);
		expect(consents).toEqual([
			{
				wording:
					'Yes, email me updates on this petition and the work of IJM Canada. I can unsubscribe at any time.',
				source: '/petitions/protect-children-online',
				kind: 'express',
				language: 'en'
			}
		]);

		// A friend signs through the link: Marie's thank-you page counts them.
		await sign(
			page,
			{ first: 'Jonah', email: address('jonah', javaScriptEnabled) },
			new URL(link).pathname + new URL(link).search
		);
		const [friend] = await sql(
			`select source, referred_by = (select id from petition_signatures where referral_code = $1) as referred
			 from petition_signatures order by id desc limit 1`,
			[code]
		);
		expect(friend).toEqual({ source: 'share', referred: true });
		await page.goto(thanksUrl);
		await expect(page.getByTestId('referred')).toHaveText(
			'People who signed through your links: 1'
		);

		// Her first name, province and comment (as text, never as markup) are on the petition.
		await page.goto(`/petitions/${SLUG}`);
		const recent = page.getByRole('region', { name: 'Recent signatures' });
		await expect(recent.getByText('Marie, QC').first()).toBeVisible();
		await expect(recent.getByText('For the children <b>now</b>').first()).toBeVisible();

		const email = await emailTo(page, marie);
		expect(email).toContain('Hello Marie,');
		expect(email).toContain(`Thank you for signing “${TITLE}”.`);
		expect(email).toContain(`/petitions/protect-children-online?ref=${code}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you for signing');
	});

	test('in French, mistakes are explained next to each field in French and what was typed stays; the second chance records consent with its words', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const luc = address('luc', javaScriptEnabled);
		const servedAt = await open(page, `/fr/petitions/${SLUG}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE_FR);
		await page.getByLabel('Prénom', { exact: true }).fill('Luc');
		await page.getByLabel('Adresse courriel', { exact: true }).fill('pas-une-adresse');
		await page.getByLabel('Code postal', { exact: true }).fill('12345');
		await page.getByLabel('Commentaire (facultatif)').fill('x'.repeat(501));
		await page.getByRole('button', { name: 'Signer la pétition' }).click();

		const expectations: [string, string][] = [
			['Nom de famille', 'Entrez votre nom de famille.'],
			['Adresse courriel', 'Entrez une adresse courriel, par exemple nom@example.org.'],
			['Code postal', 'Entrez un code postal canadien, par exemple K1A 0B1.']
		];
		for (const [label, message] of expectations) {
			const field = page.getByLabel(label, { exact: true });
			await expect(field).toHaveAttribute('aria-invalid', 'true');
			await expect(field).toHaveAccessibleDescription(message);
		}
		await expect(page.getByLabel('Commentaire (facultatif)')).toHaveAccessibleDescription(
			/Limitez votre commentaire à 500 caractères\./
		);
		await expect(page.getByLabel('Prénom', { exact: true })).toHaveValue('Luc');
		await expect(page.getByLabel('Adresse courriel', { exact: true })).toHaveValue(
			'pas-une-adresse'
		);
		await expect(page.getByLabel('Code postal', { exact: true })).toHaveValue('12345');
		await axe();

		await page.getByLabel('Nom de famille', { exact: true }).fill('Gagnon');
		await page.getByLabel('Adresse courriel', { exact: true }).fill(luc);
		await page.getByLabel('Code postal', { exact: true }).fill('G1R 4P5');
		await page.getByLabel('Commentaire (facultatif)').fill('');
		await send(page, servedAt, 'fr');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Merci d’avoir signé');
		await expect(page.getByRole('link', { name: 'Donner à cette campagne' })).toHaveAttribute(
			'href',
			'/fr/donate?campaign=protect-children-online'
		);
		expect(await page.getByLabel('Votre lien').inputValue()).toMatch(
			/\/fr\/petitions\/protect-children-online\?ref=[0-9a-f]{10}$/
		);

		// He did not tick the box: one more chance, which must be ticked to count.
		await page.getByRole('button', { name: 'Tenez-moi au courant' }).click();
		await expect(page.getByRole('checkbox')).toHaveAccessibleDescription(
			'Cochez la case pour recevoir les nouvelles.'
		);
		await axe();
		await page.getByLabel('Oui, envoyez-moi par courriel les résultats').check();
		await page.getByRole('button', { name: 'Tenez-moi au courant' }).click();
		await expect(
			page.getByRole('status').filter({ hasText: 'Merci : nous vous enverrons' })
		).toBeVisible();
		const consents = await sql(
			`select c.wording, c.source, c.language from consents c
			 join supporters s on s.id = c.supporter_id where lower(s.email) = lower($1)`,
			[luc]
		);
		expect(consents).toEqual([
			{
				wording:
					'Oui, envoyez-moi par courriel les résultats de cette pétition et des nouvelles du travail de IJM Canada. Je peux me désabonner en tout temps.',
				source: '/petitions/protect-children-online/thanks',
				language: 'fr'
			}
		]);
		const [supporter] = await sql(
			'select language, province, email_consent from supporters where lower(email) = lower($1)',
			[luc]
		);
		expect(supporter).toEqual({ language: 'fr', province: 'QC', email_consent: 'granted' });

		const email = await emailTo(page, luc);
		expect(email).toContain('Bonjour Luc,');
		expect(email).toContain(`Merci d’avoir signé « ${TITLE_FR} ».`);
		expect(email).toContain('/fr/petitions/protect-children-online?ref=');
	});

	test('signing again with the same address in other letters says so and counts once', async ({
		page,
		javaScriptEnabled
	}) => {
		const email = address('twice', javaScriptEnabled);
		await sign(page, { email });
		const after = await signatureCount();

		const servedAt = await open(page);
		await fill(page, { email: email.toUpperCase(), first: 'Someone', last: 'Else' });
		await send(page, servedAt);
		await expect(
			page.getByRole('status').filter({ hasText: 'You have already signed' })
		).toContainText('You have already signed this petition: your name counts once. Thank you!');
		expect(await signatureCount()).toBe(after);
		const rows = await sql(
			`select s.first_name, count(ps.id)::int as signatures from supporters s
			 join petition_signatures ps on ps.supporter_id = s.id
			 where lower(s.email) = lower($1) group by s.first_name`,
			[email]
		);
		expect(rows).toEqual([{ first_name: 'Marie', signatures: 1 }]);
	});

	test('spam is refused with a reason: a form sent back too fast, a filled honeypot, too many attempts per address and per connection', async ({
		page,
		javaScriptEnabled
	}) => {
		// Too fast: said, nothing recorded, typing kept; a moment later the same form goes through.
		const quick = address('quick', javaScriptEnabled);
		const servedAt = await open(page);
		await fill(page, { email: quick });
		await page.getByRole('button', { name: 'Sign the petition' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'We did not record your signature: the form came back faster than a person can fill it in. Check your details and sign again.'
		);
		await expect(page.getByLabel('Email address', { exact: true })).toHaveValue(quick);
		expect(await sql('select 1 from supporters where lower(email) = lower($1)', [quick])).toEqual(
			[]
		);
		await send(page, servedAt);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you for signing');

		// The honeypot: people never see it; a robot fills it.
		const robot = address('robot', javaScriptEnabled);
		const robotServedAt = await open(page);
		await fill(page, { email: robot });
		await page.locator('input[name="website"]').fill('https://spam.example', { force: true });
		await send(page, robotServedAt);
		await expect(page.getByRole('alert')).toHaveText(
			'We did not record your signature: a field that people cannot see was filled in, as robots do. If you are a person, please sign again.'
		);
		expect(await sql('select 1 from supporters where lower(email) = lower($1)', [robot])).toEqual(
			[]
		);

		// Five attempts an hour per address (here the first five were used up).
		const busy = address('busy', javaScriptEnabled);
		await sql(
			`insert into rate_limit_hits (key, window_start, count)
			 values ('petition:email:' || encode(sha256(convert_to(lower($1), 'UTF8')), 'hex'),
				to_timestamp(floor(extract(epoch from now()) / 3600) * 3600), 5)`,
			[busy]
		);
		const busyServedAt = await open(page);
		await fill(page, { email: busy });
		await send(page, busyServedAt);
		await expect(page.getByRole('alert')).toHaveText(
			'Too many attempts with this email address in the last hour. Please try again later.'
		);
		expect(await sql('select 1 from supporters where lower(email) = lower($1)', [busy])).toEqual(
			[]
		);

		// A hundred an hour from one connection (here, this test's, used up for a moment).
		const window = 'to_timestamp(floor(extract(epoch from now()) / 3600) * 3600)';
		const [previous] = await sql(
			`select count from rate_limit_hits where key = 'petition:ip:127.0.0.1' and window_start = ${window}`
		);
		await sql(
			`insert into rate_limit_hits (key, window_start, count) values ('petition:ip:127.0.0.1', ${window}, 100)
			 on conflict (key, window_start) do update set count = 100`
		);
		try {
			const crowd = address('crowd', javaScriptEnabled);
			const crowdServedAt = await open(page);
			await fill(page, { email: crowd });
			await send(page, crowdServedAt);
			await expect(page.getByRole('alert')).toHaveText(
				'Too many signatures have come from your internet connection in the last hour. Please try again later.'
			);
			expect(await sql('select 1 from supporters where lower(email) = lower($1)', [crowd])).toEqual(
				[]
			);
		} finally {
			await sql(
				`update rate_limit_hits set count = $1 where key = 'petition:ip:127.0.0.1' and window_start = ${window}`,
				[previous?.count ?? 0]
			);
		}
	});

	test('a closed, a past-deadline or a draft petition cannot be signed, even by a handcrafted POST', async ({
		page,
		javaScriptEnabled,
		baseURL
	}) => {
		const suffix = `${javaScriptEnabled ? 'js' : 'nojs'}-${Date.now().toString(36)}`;
		const petitions = [
			{ slug: `closed-${suffix}`, status: 'closed', deadline: null },
			{ slug: `late-${suffix}`, status: 'published', deadline: '2020-01-01T00:00:00Z' },
			{ slug: `draft-${suffix}`, status: 'draft', deadline: null }
		];
		for (const petition of petitions) {
			await sql(
				`with p as (insert into petitions (slug, title, status, goal, deadline)
				  values ($1, $1, $2, 100, $3) returning id)
				 insert into petition_translations (petition_id, language, title, target, letter)
				 select id, 'en', 'Ended petition', 'The Council', 'Dear Council,' from p`,
				[petition.slug, petition.status, petition.deadline]
			);
		}

		// A valid form, served long enough ago, from the open petition.
		await page.goto(`/petitions/${SLUG}`);
		const token = await page.locator('input[name="started"]').getAttribute('value');
		await page.waitForTimeout(MIN_FILL_MS + 200);

		for (const petition of petitions) {
			const response = await page.goto(`/petitions/${petition.slug}`);
			if (petition.status === 'draft') {
				expect(response!.status()).toBe(404);
			} else {
				await expect(
					page.getByText('This petition is closed: it no longer accepts signatures.')
				).toBeVisible();
				await expect(page.getByRole('button', { name: 'Sign the petition' })).toHaveCount(0);
			}
			const email = address(`handcrafted-${petition.status}`, javaScriptEnabled);
			const answer = await page.request.post(`/petitions/${petition.slug}`, {
				headers: { origin: baseURL!, accept: 'text/html' },
				form: {
					first_name: 'Hand',
					last_name: 'Crafted',
					email,
					postal_code: 'K1A 0B1',
					started: token!,
					website: ''
				}
			});
			expect([404, 409]).toContain(answer.status());
			expect(await sql('select 1 from supporters where lower(email) = lower($1)', [email])).toEqual(
				[]
			);
			expect(await signatureCount(petition.slug)).toBe(0);
		}
		await page.goto(`/petitions/${petitions[0].slug}`);
	});

	test('the count moves for a second reader without reloading (with JavaScript; without it, at the next load)', async ({
		page,
		browser,
		javaScriptEnabled
	}) => {
		const watcher = await browser.newContext({ javaScriptEnabled });
		try {
			const second = await watcher.newPage();
			await second.goto(`/petitions/${SLUG}`);
			const before = await signatureCount();
			const format = (n: number) => `Signatures: ${n.toLocaleString('en-CA')}`;
			await expect(count(second)).toHaveText(format(before));

			await sign(page, { email: address('live', javaScriptEnabled) });

			if (javaScriptEnabled) {
				await expect(count(second)).toHaveText(format(before + 1), { timeout: 10_000 });
			} else {
				await expect(count(second)).toHaveText(format(before));
				await second.reload();
				await expect(count(second)).toHaveText(format(before + 1));
			}
		} finally {
			await watcher.close();
		}
	});

	test('partners frame the embed from the sites staff listed, and its form signs from inside the frame', async ({
		page,
		javaScriptEnabled,
		baseURL,
		axe
	}) => {
		// Two sites of other origins on this machine: a partner staff listed, and a stranger.
		const partner = await partnerSite();
		const stranger = await partnerSite();
		await sql(`update petitions set embed_origins = array[$1] where slug = $2`, [
			partner.origin,
			SLUG
		]);
		try {
			// The petition page offers the snippet; it still refuses to be framed itself.
			const own = (await page.goto(`/petitions/${SLUG}`))!.headers();
			expect(own['content-security-policy']).toContain("frame-ancestors 'none'");
			expect(own['x-frame-options']).toBe('DENY');
			const snippet = await page.getByLabel('Code to copy').inputValue();
			expect(snippet).toMatch(
				new RegExp(`^<iframe src="${baseURL}/embed/petitions/${SLUG}" title="Petition: ${TITLE}"`)
			);
			partner.serve(snippet);
			stranger.serve(snippet);

			// The embed names the listed origin, and only it, and no X-Frame-Options contradicts it.
			const embed = (await page.goto(`/embed/petitions/${SLUG}`))!.headers();
			expect(/frame-ancestors ([^;]*)/.exec(embed['content-security-policy'])?.[1]).toBe(
				partner.origin
			);
			expect(embed['x-frame-options']).toBeUndefined();
			await expect(page.getByRole('banner')).toHaveCount(0);
			await axe();

			// A site not on the list gets nothing in the frame.
			await page.goto(stranger.origin);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('A partner’s page');
			await expect(page.frameLocator('iframe').getByRole('heading', { name: TITLE })).toHaveCount(
				0
			);

			// The partner's page shows the petition, and its form works inside the frame.
			const servedAt = Date.now();
			await page.goto(partner.origin);
			const frame = page.frameLocator('iframe');
			await expect(frame.getByRole('heading', { level: 1 })).toHaveText(TITLE);
			const email = address('framed', javaScriptEnabled);
			await frame.getByLabel('First name', { exact: true }).fill('Ada');
			await frame.getByLabel('Last name', { exact: true }).fill('Framed');
			await frame.getByLabel('Email address', { exact: true }).fill(email);
			await frame.getByLabel('Postal code', { exact: true }).fill('V6B 1A1');
			const wait = servedAt + MIN_FILL_MS + 500 - Date.now();
			if (wait > 0) await page.waitForTimeout(wait);
			await frame.getByRole('button', { name: 'Sign the petition' }).click();
			await expect(frame.getByRole('heading', { level: 1 })).toHaveText('Thank you for signing');
			await expect(frame.getByRole('link', { name: 'WhatsApp' })).toHaveAttribute(
				'target',
				'_blank'
			);
			const [signature] = await sql(
				`select ps.source, s.province from petition_signatures ps join supporters s on s.id = ps.supporter_id
				 where lower(s.email) = lower($1)`,
				[email]
			);
			expect(signature).toEqual({ source: 'embed', province: 'BC' });
		} finally {
			await sql(`update petitions set embed_origins = '{}' where slug = $1`, [SLUG]);
			await partner.close();
			await stranger.close();
		}
		await page.goto(`/petitions/${SLUG}`);
	});
});

test.describe('campaigns', () => {
	test('a reader finds the campaign, its story, its petition and its donation goal, and its news, in both languages', async ({
		page,
		axe
	}) => {
		const [update] = await sql(
			`insert into campaign_updates (campaign_id, kind)
			 select id, 'news' from campaigns where slug = $1 returning id`,
			[SLUG]
		);
		await sql(
			`insert into campaign_update_translations (update_id, language, title, body) values
			 ($1, 'en', 'We met the Minister''s office', 'We brought your names.\n\nThey listened.'),
			 ($1, 'fr', 'Nous avons rencontré le cabinet du ministre', 'Nous avons apporté vos noms.')`,
			[update.id]
		);
		try {
			await page.goto('/campaigns');
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
			await axe();
			await page
				.getByRole('link', {
					name: 'Protect children from online sexual exploitation in the Philippines',
					exact: true
				})
				.click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Protect children from online sexual exploitation in the Philippines'
			);
			await expect(page.getByRole('region', { name: 'The story' })).toContainText(
				'the number of minors available for sexual exploitation fell by at least 73 %'
			);
			await expect(page.getByRole('region', { name: TITLE })).toContainText(/Signatures: [\d,]+/);
			await expect(page.getByRole('link', { name: 'Read and sign the petition' })).toHaveAttribute(
				'href',
				`/petitions/${SLUG}`
			);
			// The goal, and what gifts designated to the campaign raised (test gifts never count).
			await expect(page.getByText('Goal: $50,000')).toBeVisible();
			await expect(page.getByTestId('campaign-raised')).toContainText('$0 raised');
			await expect(page.getByRole('link', { name: 'Give to this campaign' })).toHaveAttribute(
				'href',
				`/donate?campaign=${SLUG}`
			);
			await expect(
				page.getByRole('heading', { name: "We met the Minister's office" })
			).toBeVisible();
			await axe();

			await page.goto(`/fr/campaigns/${SLUG}`);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				'Protéger les enfants de l’exploitation sexuelle en ligne aux Philippines'
			);
			await expect(page.getByText(/^Objectif : 50\s000\s\$$/)).toBeVisible();
			await expect(
				page.getByRole('heading', { name: 'Nous avons rencontré le cabinet du ministre' })
			).toBeVisible();
			await expect(page.getByRole('link', { name: 'Lire et signer la pétition' })).toHaveAttribute(
				'href',
				`/fr/petitions/${SLUG}`
			);

			// The home page names the open petition (the newest published one, which
			// other tests may have added) in the reader's language. A query string
			// skips the home page's one-minute cache.
			const [open] = await sql(
				`select t.title from petitions p
				   join petition_translations t on t.petition_id = p.id and t.language = 'fr'
				  where p.status = 'published' order by p.created_at desc limit 1`
			);
			await page.goto('/fr?fresh=1');
			await expect(page.getByRole('heading', { name: open.title })).toBeVisible();
		} finally {
			await sql('delete from campaign_updates where id = $1', [update.id]);
		}
	});
});
