import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import { addStaff, requestSignInLink, signIn, sql } from './staff.ts';

test.describe('staff sign-in', () => {
	test('a staff member signs in with the link from their email and lands on the dashboard', async ({
		page,
		axe
	}) => {
		const email = addStaff('owner');
		await page.goto('/admin');
		await expect(page).toHaveURL(/\/admin\/sign-in$/);
		await axe();

		const link = await requestSignInLink(page, email);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Your sign-in link for/);
		await page.goto(link);
		// Opening the link only shows a button, so a mail scanner following it signs nobody in.
		await expect(page.getByText('Press the button to sign in on this device.')).toBeVisible();
		await axe();
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
		await expect(page.getByText(`Signed in as ${email} (owner)`)).toBeVisible();

		const cookies = await page.context().cookies();
		const session = cookies.find((cookie) => cookie.name === 'champions_staff_session')!;
		expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
	});

	test('someone who is not staff sees the same message, and no email is sent', async ({
		page,
		axe
	}) => {
		const stranger = `stranger.${Date.now()}@example.org`;
		await page.goto('/admin/sign-in');
		await page.getByLabel('Email address').fill(stranger);
		await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
		await expect(page.getByRole('status')).toHaveText(
			'If that address belongs to a staff member, a sign-in link is on its way. It works once, for 15 minutes.'
		);
		await axe();
		expect(
			await sql('select 1 from email_outbox where lower(to_email) = lower($1)', [stranger])
		).toEqual([]);
	});

	test('a link works once; used or expired, it says so and offers a new one', async ({ page }) => {
		const email = addStaff('viewer');
		const link = await requestSignInLink(page, email);
		await page.goto(link);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');

		await page.context().clearCookies();
		await page.goto(link);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'This sign-in link has already been used. Each link works once.'
		);
		await expect(page.getByRole('link', { name: 'Get a new sign-in link' })).toBeVisible();

		const second = await requestSignInLink(page, email);
		await sql(
			`update staff_sign_in_tokens set expires_at = now() - interval '1 second'
			 where staff_id = (select id from staff where email = $1) and used_at is null`,
			[email]
		);
		await page.goto(second);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'This sign-in link has expired. Links work for 15 minutes.'
		);
	});

	test('what someone types before the page has finished loading is kept', async ({ page }) => {
		// Scripts that arrive late, as on a slow phone: the page hydrates after typing.
		await page.route('**/_app/immutable/**/*.js', async (route) => {
			await new Promise((resolve) => setTimeout(resolve, 1000));
			await route.continue();
		});
		await page.goto('/admin/sign-in', { waitUntil: 'domcontentloaded' });
		await page.getByLabel('Email address').fill('early@example.org');
		await page.waitForLoadState('load');
		await page.waitForTimeout(500);
		await expect(page.getByLabel('Email address')).toHaveValue('early@example.org');
	});

	test('signing out ends the session', async ({ page }) => {
		const email = addStaff('campaigner');
		await signIn(page, email);
		const cookies = await page.context().cookies();
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL(/\/admin\/sign-in$/);
		// The old cookie, replayed, no longer opens anything.
		await page.context().addCookies(cookies);
		await page.goto('/admin');
		await expect(page).toHaveURL(/\/admin\/sign-in$/);
	});
});

test.describe('roles', () => {
	const routes = [
		'/admin',
		'/admin/supporters',
		'/admin/supporters/expiring',
		'/admin/segments',
		'/admin/donations',
		'/admin/donations/monthly',
		'/admin/donations/receipts',
		'/admin/campaigns',
		'/admin/petitions',
		'/admin/impact',
		'/admin/stories',
		'/admin/staff',
		'/admin/audit',
		'/fr/admin/staff'
	];

	for (const role of ['owner', 'admin', 'campaigner', 'viewer'] as const) {
		test(`a ${role} can open every admin page, and changes staff only if owner or admin`, async ({
			page,
			baseURL,
			axe
		}) => {
			// Every admin page, each checked by axe (twice over with JavaScript off).
			test.setTimeout(180_000);
			await signIn(page, addStaff(role));
			for (const route of routes) {
				const response = await page.goto(route);
				expect(response!.status(), route).toBe(200);
				await axe();
			}
			// Privacy requests hold supporters' addresses: admins and owners only.
			const canSeePrivacy = role === 'owner' || role === 'admin';
			await page.goto('/admin');
			await expect(page.getByRole('link', { name: 'Privacy requests' })).toHaveCount(
				canSeePrivacy ? 1 : 0
			);
			const privacy = await page.goto('/admin/privacy');
			expect(privacy!.status()).toBe(canSeePrivacy ? 200 : 403);
			// Donation settings (what receipts print): admins and owners too.
			const donationSettings = await page.goto('/admin/donations/settings');
			expect(donationSettings!.status()).toBe(canSeePrivacy ? 200 : 403);
			if (canSeePrivacy) await axe();
			// A handcrafted POST, from the site's own origin, with the session cookie.
			const target = addStaff('viewer', 'target');
			const before = await sql('select count(*)::int as n from staff where removed_at is null');
			const response = await page.request.post('/admin/staff?/add', {
				headers: { origin: baseURL!, accept: 'application/json' },
				form: {
					email: `handmade.${Date.now()}@example.org`,
					role: 'viewer',
					language: 'en',
					name: ''
				}
			});
			const [{ id }] = await sql('select id from staff where email = $1', [target]);
			const removal = await page.request.post('/admin/staff?/remove', {
				headers: { origin: baseURL!, accept: 'application/json' },
				form: { id }
			});
			const after = await sql('select count(*)::int as n from staff where removed_at is null');
			if (role === 'owner' || role === 'admin') {
				expect(response.status()).toBe(200);
				expect(removal.status()).toBe(200);
				expect(after[0].n).toBe(before[0].n);
			} else {
				expect(response.status()).toBe(403);
				expect(removal.status()).toBe(403);
				expect(after[0].n).toBe(before[0].n);
				await page.goto('/admin/staff');
				await expect(page.getByRole('heading', { name: 'Add a staff member' })).toHaveCount(0);
			}
		});
	}
});

test.describe('staff management', () => {
	test('an owner adds a colleague, changes their role and removes them; the audit log shows it all', async ({
		page
	}) => {
		const owner = addStaff('owner');
		await signIn(page, owner);
		await page.goto('/admin/staff');
		const colleague = `colleague.${Date.now()}@example.org`;

		await page.getByLabel('Email address').fill('not-an-address');
		await page.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(page.getByLabel('Email address')).toHaveAccessibleDescription(
			'Enter an email address, like name@example.org.'
		);
		await expect(page.getByLabel('Email address')).toHaveValue('not-an-address');

		await page.getByLabel('Email address').fill(colleague);
		await page.getByLabel('Name (optional)').fill('Col League');
		await page.getByLabel('Role', { exact: true }).selectOption('campaigner');
		await page.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(page.getByRole('status')).toHaveText(
			`${colleague} was added. They can sign in with their email address.`
		);
		const row = page.getByRole('row').filter({ hasText: colleague });
		await expect(row).toContainText('campaigner');

		await row.getByLabel(`Role for ${colleague}`).selectOption('admin');
		await row.getByRole('button', { name: 'Change role' }).click();
		await expect(page.getByRole('status')).toHaveText('The role was changed.');
		await expect(page.getByRole('row').filter({ hasText: colleague })).toContainText('admin');

		await page
			.getByRole('row')
			.filter({ hasText: colleague })
			.getByRole('button', { name: `Remove ${colleague}` })
			.click();
		await expect(page.getByRole('status')).toHaveText(
			`${colleague} was removed, and signed out everywhere.`
		);
		await expect(page.getByRole('row').filter({ hasText: colleague })).toHaveCount(0);

		await page.goto('/admin/audit');
		await page.getByLabel('Staff email').fill(owner);
		await page.getByRole('button', { name: 'Filter' }).click();
		const actions = page.getByRole('row').filter({ hasText: colleague });
		await expect(actions.filter({ hasText: 'staff.added' })).toHaveCount(1);
		await expect(actions.filter({ hasText: 'staff.role_changed' })).toHaveCount(1);
		await expect(actions.filter({ hasText: 'staff.removed' })).toHaveCount(1);
	});

	test('the last owner cannot be removed or demoted', async ({ page }) => {
		const owner = addStaff('owner');
		await sql(
			`update staff set role = 'admin' where role = 'owner' and email <> $1 and removed_at is null`,
			[owner]
		);
		await signIn(page, owner);
		await page.goto('/admin/staff');
		const row = page.getByRole('row').filter({ hasText: owner });
		await row.getByLabel(`Role for ${owner}`).selectOption('viewer');
		await row.getByRole('button', { name: 'Change role' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'There must always be an owner: make someone else an owner first.'
		);
		await page
			.getByRole('row')
			.filter({ hasText: owner })
			.getByRole('button', { name: `Remove ${owner}` })
			.click();
		await expect(page.getByRole('alert')).toHaveText(
			'There must always be an owner: make someone else an owner first.'
		);
		await expect(page.getByRole('row').filter({ hasText: owner })).toContainText('owner');
	});
});

test.describe('supporters', () => {
	test('staff find a supporter by the start of a name or email, in any case, and read their consents', async ({
		page,
		axe
	}) => {
		const tag = `q${Date.now().toString(36)}`;
		const [supporter] = await sql(
			`insert into supporters (email, first_name, last_name, language, province)
			 values ($1, 'Zoë', $2, 'fr', 'QC') returning id`,
			[`Zoe.${tag}@Example.org`, `Quixote${tag}`]
		);
		await sql(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language)
			 values ($1, 'email', 'granted', 'express', '/petitions/protect-children', $2, 'fr')`,
			[supporter.id, 'Oui, envoyez-moi des nouvelles par courriel.']
		);
		await signIn(page, addStaff('viewer'));

		await page.goto('/admin/supporters');
		await page.getByLabel('Find by the start of a name or email').fill(`QUIXOTE${tag}`);
		await page.getByRole('button', { name: 'Apply' }).click();
		await expect(page.getByRole('row')).toHaveCount(2);
		await axe();

		await page.getByLabel('Find by the start of a name or email').fill(`zoe.${tag}`);
		await page.getByRole('button', { name: 'Apply' }).click();
		await expect(page.getByRole('row').nth(1)).toContainText(`Zoe.${tag}@Example.org`);

		await page.getByRole('link', { name: `Zoë Quixote${tag}` }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Zoë Quixote${tag}`);
		const consents = page.getByRole('region', { name: 'Consents' });
		await expect(consents).toContainText('Agreed to email updates (express)');
		await expect(consents).toContainText('Oui, envoyez-moi des nouvelles par courriel.');
		await expect(consents).toContainText('/petitions/protect-children');
	});

	test('a campaigner corrects a supporter’s details; a bad postal code is explained and nothing is lost; the audit log shows the change', async ({
		page
	}) => {
		const tag = `e${Date.now().toString(36)}`;
		const [supporter] = await sql(
			`insert into supporters (email, first_name, language) values ($1, 'Sam', 'en') returning id`,
			[`sam.${tag}@example.org`]
		);
		const campaigner = addStaff('campaigner');
		await signIn(page, campaigner);
		await page.goto(`/admin/supporters/${supporter.id}`);

		await page.getByLabel('Last name').fill(`Okafor${tag}`);
		await page.getByLabel('Postal code').fill('12345');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByLabel('Postal code')).toHaveAccessibleDescription(
			'Enter a Canadian postal code, like K1A 0B1.'
		);
		await expect(page.getByLabel('Postal code')).toHaveValue('12345');
		await expect(page.getByLabel('Last name')).toHaveValue(`Okafor${tag}`);

		await page.getByLabel('Postal code').fill('k1a0b1');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toHaveText('Saved. The change is in the audit log.');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Sam Okafor${tag}`);
		await expect(page.getByLabel('Postal code')).toHaveValue('K1A 0B1');

		await page.getByLabel('Add a note').fill('Prefers a call to an email.');
		await page.getByRole('button', { name: 'Add the note' }).click();
		await expect(page.getByRole('status')).toHaveText('The note was added.');
		await expect(page.getByRole('region', { name: 'Timeline' })).toContainText(
			`Note by ${campaigner}: Prefers a call to an email.`
		);

		await page.goto('/admin/audit?action=supporter.updated');
		const entry = page.getByRole('row').filter({ hasText: supporter.id });
		await expect(entry).toContainText(campaigner);
		await expect(entry).toContainText(`Okafor${tag}`);
	});

	test('a viewer sees no edit form, and a handcrafted save is refused', async ({
		page,
		baseURL
	}) => {
		const [supporter] = await sql(
			`insert into supporters (email, first_name) values ($1, 'Kept') returning id`,
			[`kept.${Date.now().toString(36)}@example.org`]
		);
		await signIn(page, addStaff('viewer'));
		await page.goto(`/admin/supporters/${supporter.id}`);
		await expect(page.getByRole('heading', { name: 'Edit details' })).toHaveCount(0);
		const response = await page.request.post(`/admin/supporters/${supporter.id}?/save`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: {
				email: 'changed@example.org',
				first_name: 'Changed',
				last_name: '',
				language: 'en',
				postal_code: '',
				province: ''
			}
		});
		expect(response.status()).toBe(403);
		expect(await sql('select first_name from supporters where id = $1', [supporter.id])).toEqual([
			{ first_name: 'Kept' }
		]);
	});

	test('a campaigner downloads a search as CSV that a spreadsheet cannot run as formulas; a viewer cannot', async ({
		page
	}) => {
		const tag = `x${Date.now().toString(36)}`;
		await sql(
			`insert into supporters (email, first_name, last_name) values
			 ($1, '=HYPERLINK("http://evil.example","click")', 'Évêque'), ($2, 'Plain', 'Person')`,
			[`${tag}.one@example.org`, `${tag}.two@example.org`]
		);
		await signIn(page, addStaff('campaigner'));
		await page.goto(`/admin/supporters?q=${tag}`);
		const downloading = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Download these supporters as CSV' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(/^supporters-\d{4}-\d{2}-\d{2}\.csv$/);
		const csv = readFileSync(await download.path(), 'utf8');
		const lines = csv
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\n');
		expect(lines[0]).toBe(
			'email,first_name,last_name,language,postal_code,province,email_consent,email_consent_expires_at,tags,created_at,last_activity_at'
		);
		expect(lines).toHaveLength(3);
		expect(csv).toContain(
			`${tag}.one@example.org,"'=HYPERLINK(""http://evil.example"",""click"")",Évêque`
		);

		await page.context().clearCookies();
		await signIn(page, addStaff('viewer'));
		await page.goto(`/admin/supporters?q=${tag}`);
		await expect(page.getByRole('link', { name: 'Download these supporters as CSV' })).toHaveCount(
			0
		);
		const refused = await page.request.get(`/admin/supporters/export.csv?q=${tag}`);
		expect(refused.status()).toBe(403);
	});
});
