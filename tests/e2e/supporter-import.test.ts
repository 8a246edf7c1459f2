import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// Importing supporters from a CSV file, as a campaigner does it: upload, match
// the columns, preview, import, read the report, download the skipped rows.

const csv = (rows: string[][]) =>
	rows
		.map((row) =>
			row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')
		)
		.join('\r\n') + '\r\n';

async function upload(page: Page, name: string, buffer: Buffer) {
	await page.goto('/admin/supporters/import');
	await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
	await page.getByRole('button', { name: 'Upload and match columns' }).click();
}

test.describe('importing supporters', () => {
	test('a campaigner matches the columns, previews, imports, reads the report and downloads the skipped rows', async ({
		page,
		axe
	}) => {
		const tag = `i${Date.now().toString(36)}`;
		const file = `supporters-${tag}.csv`;
		await sql(`insert into supporters (email, first_name, last_name) values ($1, 'Kim', 'Old')`, [
			`kim.${tag}@example.org`
		]);
		const content = csv([
			[
				'Courriel',
				'Prénom',
				'Nom',
				'Ville',
				'Code postal',
				'Province',
				'Consentement',
				'Date du consentement',
				'Source du consentement'
			],
			[
				`ana.${tag}@example.org`,
				'Ana',
				'Roy',
				'Montréal',
				'h2x1y4',
				'Québec',
				'oui',
				'2024-05-01',
				'salon'
			],
			[`bo.${tag}@example.org`, 'Bo', 'Li', 'Ottawa', 'K1A 0B1', 'ON', 'yes', '', ''],
			[`KIM.${tag}@example.org`, 'Kimberly', '', 'Toronto', '', '', 'non', '', ''],
			['not-an-address', 'Cy', 'Bad', 'Laval', '', 'QC', '', '', ''],
			[
				`dee.${tag}@example.org`,
				'=HYPERLINK("http://evil.example")',
				'Dee',
				'Halifax',
				'12345',
				'NS',
				'',
				'',
				''
			],
			[`eve.${tag}@example.org`, 'Eve', 'Ng', 'Regina', 'S4P 3Y2', 'Saskatchewan', '', '', '']
		]);

		await signIn(page, addStaff('campaigner'));
		await page.goto('/admin/supporters/import');
		await axe();
		await upload(page, file, Buffer.from('\uFEFF' + content));

		// The columns, guessed from their French names.
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			`Match the columns of ${file}`
		);
		await expect(page.getByLabel('Import column “Courriel” as')).toHaveValue('email');
		await expect(page.getByLabel('Import column “Nom” as')).toHaveValue('last_name');
		await expect(page.getByLabel('Import column “Ville” as')).toHaveValue('ignore');
		await expect(page.getByLabel('Import column “Source du consentement” as')).toHaveValue(
			'consent_source'
		);
		const preview = page.getByRole('region', { name: 'Preview of the first rows' });
		await expect(preview.getByRole('row')).toHaveCount(6);
		const ana = preview.getByRole('row').filter({ hasText: `ana.${tag}@example.org` });
		await expect(ana).toContainText('H2X 1Y4');
		await expect(ana).toContainText('QC');
		await expect(ana).toContainText('Recorded (express, May 1, 2024)');
		await expect(ana).toContainText('Will be imported');
		await expect(preview.getByRole('row').filter({ hasText: 'not-an-address' })).toContainText(
			'Will be skipped: Not a valid email address'
		);
		await axe();

		// One field for two columns is explained next to the second, and nothing is lost.
		await page.getByLabel('Import column “Nom” as').selectOption('email');
		await page.getByLabel('Tag every imported supporter with (optional)').fill(`fair-${tag}`);
		await page.getByRole('button', { name: 'Update the preview' }).click();
		await expect(page.getByLabel('Import column “Nom” as')).toHaveAccessibleDescription(
			'“Email” is chosen for more than one column: choose it for one only.'
		);
		await expect(page.getByLabel('Tag every imported supporter with (optional)')).toHaveValue(
			`fair-${tag}`
		);
		await page.getByLabel('Import column “Nom” as').selectOption('last_name');
		await page.getByRole('button', { name: 'Start the import' }).click();

		// A small file is done at once; otherwise the page follows it (or is refreshed).
		await expect(async () => {
			const refresh = page.getByRole('link', { name: 'Refresh', exact: true });
			if (await refresh.isVisible()) await refresh.click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Import report: ${file}`, {
				timeout: 1000
			});
		}).toPass({ timeout: 20_000 });

		const counts = page.locator('dl');
		await expect(counts).toContainText(/Added\s*3/);
		await expect(counts).toContainText(/Updated\s*1/);
		await expect(counts).toContainText(/Skipped\s*2/);
		await expect(counts).toContainText(/Email consent recorded\s*1/);
		await expect(counts).toContainText(/Consent not recorded: no source or date\s*1/);
		await expect(
			page.getByText(`Everyone added or updated was tagged “fair-${tag}”.`)
		).toBeVisible();
		const reasons = page.getByRole('region', { name: 'Why rows were skipped' });
		await expect(
			reasons.getByRole('row').filter({ hasText: 'Not a valid email address' })
		).toContainText('1');
		await expect(
			reasons.getByRole('row').filter({ hasText: 'Not a Canadian postal code (like K1A 0B1)' })
		).toContainText('1');
		await axe();

		const downloading = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Download the skipped rows (CSV)' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toBe(`supporters-${tag}-skipped-rows.csv`);
		const lines = readFileSync(await download.path(), 'utf8')
			.replace(/^\uFEFF/, '')
			.trim()
			.split(/\r?\n/);
		expect(lines).toEqual([
			'Row,Reason,Courriel,Prénom,Nom,Ville,Code postal,Province,Consentement,Date du consentement,Source du consentement',
			'5,Not a valid email address,not-an-address,Cy,Bad,Laval,,QC,,,',
			`6,Not a Canadian postal code (like K1A 0B1),dee.${tag}@example.org,"'=HYPERLINK(""http://evil.example"")",Dee,Halifax,12345,NS,,,`
		]);

		// Kim was updated with what the file gave, and kept what it left empty.
		expect(
			await sql(
				`select first_name, last_name, array(select t.name from supporter_tags st join tags t on t.id = st.tag_id
				 where st.supporter_id = s.id) as tags from supporters s where email = $1`,
				[`kim.${tag}@example.org`]
			)
		).toEqual([{ first_name: 'Kimberly', last_name: 'Old', tags: [`fair-${tag}`] }]);
		expect(
			await sql(
				`select c.kind, c.source from consents c join supporters s on s.id = c.supporter_id
				 where s.email like $1`,
				[`%.${tag}@example.org`]
			)
		).toEqual([{ kind: 'express', source: `import:${file}:salon` }]);

		await page.getByRole('link', { name: 'Import another file' }).click();
		await expect(
			page.getByRole('row').filter({ hasText: file }).getByRole('cell').nth(3)
		).toHaveText('Finished');
	});

	test('the progress page follows a running import, and one whose runner stopped resumes while it is open', async ({
		page,
		javaScriptEnabled,
		axe
	}) => {
		const tag = `p${Date.now().toString(36)}`;
		const file = `progress-${tag}.csv`;
		await signIn(page, addStaff('campaigner'));
		await upload(
			page,
			file,
			Buffer.from(csv([['Email'], ...[1, 2, 3].map((n) => [`p${n}.${tag}@example.org`])]))
		);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			`Match the columns of ${file}`
		);
		const id = page.url().split('/').at(-1)!;
		// Started, and its runner still holds the lease: as if another instance of the app were on it.
		await sql(
			`update supporter_imports set status = 'running', started_at = now(),
			 runner = gen_random_uuid(), lease_expires_at = now() + interval '1 hour' where id = $1`,
			[id]
		);
		await page.goto(`/admin/supporters/import/${id}`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Importing ${file}`);
		await expect(page.getByLabel('Rows imported or checked')).toHaveAttribute('max', '3');
		await expect(page.getByText('0 of 3 rows')).toBeVisible();
		await axe();

		if (!javaScriptEnabled) {
			await page.getByRole('link', { name: 'Refresh this page every 5 seconds' }).click();
			await expect(page.locator('meta[http-equiv="refresh"]')).toHaveAttribute('content', '5');
		}
		// That app stops: its lease runs out, and the open page (refreshing) resumes the import.
		await sql(
			`update supporter_imports set lease_expires_at = now() - interval '1 second' where id = $1`,
			[id]
		);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Import report: ${file}`, {
			timeout: 20_000
		});
		await expect(page.locator('dl')).toContainText(/Added\s*3/);
	});

	test('a file that cannot be imported is explained next to the field', async ({ page }) => {
		await signIn(page, addStaff('campaigner'));
		const field = page.getByLabel('CSV file');

		// Excel's plain "CSV" (Windows-1252): "Prénom" with é as one byte.
		await upload(
			page,
			'latin1.csv',
			Buffer.from([
				...Buffer.from('Email,Pr'),
				0xe9,
				...Buffer.from('nom\r\na@example.org,Zo'),
				0xe9,
				0x0d,
				0x0a
			])
		);
		await expect(field).toHaveAccessibleDescription(
			/This file is not saved as UTF-8, so its accented letters would be garbled\./
		);
		await expect(field).toHaveAttribute('aria-invalid', 'true');

		await upload(page, 'no-email.csv', Buffer.from('Name,City\r\nAna,Montréal\r\n'));
		await expect(field).toHaveAccessibleDescription(
			/No column in this file looks like email addresses\./
		);

		await page.goto('/admin/supporters/import');
		await page.getByRole('button', { name: 'Upload and match columns' }).click();
		await expect(field).toHaveAccessibleDescription(/Choose a CSV file to upload\./);

		// 50 MB: refused with the reason, not a bare "413 Payload Too Large".
		const big = path.join(os.tmpdir(), `champions-import-${Date.now()}.csv`);
		const line = 'someone@example.org,Someone,Somewhere\n';
		writeFileSync(
			big,
			'email,first_name,last_name\n' + line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))
		);
		try {
			await page.goto('/admin/supporters/import');
			await field.setInputFiles(big);
			await page.getByRole('button', { name: 'Upload and match columns' }).click();
			await expect(field).toHaveAccessibleDescription(/This file is larger than 20 MB\./, {
				timeout: 20_000
			});
		} finally {
			rmSync(big, { force: true });
		}
	});

	test('a viewer gets 403 on the import page and its actions', async ({ page, baseURL }) => {
		await signIn(page, addStaff('viewer'));
		const response = await page.goto('/admin/supporters/import');
		expect(response!.status()).toBe(403);
		const before = await sql('select count(*)::int as n from supporter_imports');
		const upload = await page.request.post('/admin/supporters/import?/upload', {
			headers: { origin: baseURL!, accept: 'application/json' },
			multipart: {
				file: {
					name: 'x.csv',
					mimeType: 'text/csv',
					buffer: Buffer.from('email\r\nx@example.org\r\n')
				}
			}
		});
		expect(upload.status()).toBe(403);
		expect(await sql('select count(*)::int as n from supporter_imports')).toEqual(before);
		const id = crypto.randomUUID();
		expect((await page.request.get(`/admin/supporters/import/${id}`)).status()).toBe(403);
		expect((await page.request.get(`/admin/supporters/import/${id}/rejected.csv`)).status()).toBe(
			403
		);
		const start = await page.request.post(`/admin/supporters/import/${id}?/start`, {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { column_0: 'email', tag: '' }
		});
		expect(start.status()).toBe(403);
	});
});
