import { expect, test } from './fixtures.ts';
import { addStaff, signIn, sql } from './staff.ts';

// The impact story as a reader and as staff meet it: every chapter, chart, table
// and footnote, drawn on the server (JavaScript off works the same), in both
// languages; and an edit in the admin shows on the home page and the story.

const CHAPTERS = {
	en: [
		'The problem',
		'The solution',
		'The results',
		'Voices',
		'The scale',
		'The new fronts',
		'What you can do now'
	],
	fr: [
		'Le problème',
		'La solution',
		'Les résultats',
		'Des voix',
		'L’ampleur',
		'Les nouveaux fronts',
		'Ce que vous pouvez faire maintenant'
	]
};

async function publishedPoints(language: 'en' | 'fr') {
	return (await sql(
		`select s.key, st.title, count(p.id)::int as points
		   from impact_series s
		   join impact_series_translations st on st.series_key = s.key and st.language = $1
		   join impact_series_points p on p.series_key = s.key and p.published
		  where s.published
		  group by s.key, st.title, s.sort order by s.sort`,
		[language]
	)) as { key: string; title: string; points: number }[];
}

for (const language of ['en', 'fr'] as const) {
	test(`the story in ${language === 'en' ? 'English' : 'French'}: chapters, charts drawn on the server, tables and footnotes`, async ({
		page
	}) => {
		const response = await page.goto(language === 'fr' ? '/fr/impact' : '/impact');
		expect(response!.status()).toBe(200);
		await expect(page.getByRole('heading', { level: 2 })).toContainText(CHAPTERS[language]);

		// The server's HTML already has one bar per published value.
		const html = await (
			await page.request.get(language === 'fr' ? '/fr/impact' : '/impact')
		).text();
		expect(html).not.toContain('<script');
		const series = await publishedPoints(language);
		expect(series).toHaveLength(3);
		for (const { title, points } of series) {
			const figure = page.getByRole('figure', { name: title });
			await expect(figure).toHaveCount(1);
			const bars = figure.locator('svg rect');
			await expect(bars).toHaveCount(points);
			// Drawn, not empty: every bar has a height on screen.
			for (const box of await bars.evaluateAll((rects) =>
				rects.map((rect) => rect.getBoundingClientRect().height)
			)) {
				expect(box).toBeGreaterThan(2);
			}
			// The same values as a table a screen reader can reach.
			await figure.locator('summary').click();
			await expect(figure.getByRole('table').getByRole('row')).toHaveCount(points + 1);
		}

		// Every figure's footnote: period, place, what was measured, source.
		const notes = page.getByRole('region', {
			name: language === 'fr' ? 'Sources et notes' : 'Sources and notes'
		});
		const [{ metrics }] = await sql(
			`select count(*)::int as metrics from impact_metrics where published`
		);
		const points = series.reduce((sum, entry) => sum + entry.points, 0);
		await expect(notes.getByRole('listitem')).toHaveCount(metrics + points);
		await expect(notes).toContainText(
			language === 'fr' ? 'IJM 2015 assessment' : 'Phnom Penh, Siem Reap and Sihanoukville'
		);
		// A footnote number leads to its source.
		const [first] = await page.locator('sup a').all();
		await first.click();
		await expect(page).toHaveURL(/#fn-1$/);
	});
}

test('the home page shows the headline results and links to the story', async ({ page }) => {
	await page.goto('/');
	const results = page.getByRole('region', { name: 'The results so far' });
	await expect(results).toContainText('7.3 million');
	await expect(results).toContainText('1,775+');
	await expect(results).toContainText('at least 73%');
	await results.getByRole('link', { name: 'Read the impact story' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Children protected from sex trafficking in Southeast Asia'
	);
	await page.goto('/fr');
	await expect(page.getByRole('region', { name: 'Les résultats à ce jour' })).toContainText(
		'7,3 millions'
	);
});

test.describe('staff', () => {
	test.afterEach(async () => {
		await sql(
			`update impact_metrics set value = 22000, published = true where key = 'people_trained'`
		);
		await sql(
			`delete from impact_series_points where series_key = 'philippines_osec_rate' and sort > 2`
		);
	});

	test('a campaigner edits a figure and the home page and the story show it at once', async ({
		page,
		axe
	}) => {
		await signIn(page, addStaff('campaigner'));
		await page.goto('/admin/impact');
		await page.getByRole('link', { name: 'Edit: people trained' }).click();
		await axe();

		await page.getByLabel('Value', { exact: true }).fill('twenty');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByText('Enter a number, like 73 or 8.16.')).toBeVisible();
		await expect(page.getByLabel('Value', { exact: true })).toHaveValue('twenty');

		await page.getByLabel('Value', { exact: true }).fill('23500');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toHaveText(
			'Saved. The site shows the change now; it is in the audit log.'
		);

		await page.goto('/');
		await expect(page.getByRole('region', { name: 'The results so far' })).toContainText('23,500+');
		await page.goto('/fr/impact');
		await expect(page.getByRole('region', { name: 'La solution' })).toContainText('23 500+');
		const [entry] = await sql(
			`select details from audit_log where action = 'impact.metric_saved' and target = 'people_trained'
			 order by id desc limit 1`
		);
		expect(entry.details.from.value).toBe(22000);
		expect(entry.details.to.value).toBe(23500);

		// Put it back through the admin, so every page's cache follows.
		await page.goto('/admin/impact/metrics/people_trained');
		await page.getByLabel('Value', { exact: true }).fill('22000');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toBeVisible();
	});

	test('a new chart value is a draft in the preview until it is published', async ({ page }) => {
		await signIn(page, addStaff('campaigner'));
		await page.goto('/admin/impact/series/philippines_osec_rate');
		const preview = page.getByRole('region', { name: 'Preview' });
		await expect(preview.locator('svg rect')).toHaveCount(2);

		const form = page.getByRole('region', { name: 'Add a value' });
		await form.getByLabel('Value', { exact: true }).fill('160');
		await form.getByLabel('Low end of a range (optional)').fill('170');
		await form.getByLabel('Source', { exact: true }).fill('IJM test study (2024)');
		for (const [legend, values] of [
			['In English', ['2020', '2020', 'The Philippines', 'IP addresses, per 10,000']],
			['In French', ['2020', '2020', 'Philippines', 'Adresses IP, sur 10 000']]
		] as const) {
			const group = form.getByRole('group', { name: legend });
			await group.getByLabel('Bar name (a year or a place)').fill(values[0]);
			await group.getByLabel('Year or period').fill(values[1]);
			await group.getByLabel('Place', { exact: true }).fill(values[2]);
			await group.getByLabel('What was measured').fill(values[3]);
		}
		await form.getByRole('button', { name: 'Add as a draft' }).click();
		await expect(page.getByText('The low end must be below the value.')).toBeVisible();
		await page
			.getByRole('region', { name: 'Add a value' })
			.getByLabel('Low end of a range (optional)')
			.fill('');
		await page
			.getByRole('region', { name: 'Add a value' })
			.getByRole('button', { name: 'Add as a draft' })
			.click();
		await expect(
			page.getByText('Added as a draft. Check the preview, then publish it.')
		).toBeVisible();
		await expect(page.getByRole('region', { name: 'Preview' }).locator('svg rect')).toHaveCount(3);
		await expect(
			page.getByRole('region', { name: 'Preview' }).locator('svg rect.draft')
		).toHaveCount(1);

		// Not on the site until published.
		const story = await page.context().newPage();
		await story.goto('/impact');
		await expect(
			story
				.getByRole('figure', { name: 'The Philippines: the new front online' })
				.locator('svg rect')
		).toHaveCount(2);

		await page.getByRole('button', { name: 'Publish: 2020' }).click();
		await expect(page.getByText('Published: the site shows it now.')).toBeVisible();
		await story.reload();
		await expect(
			story
				.getByRole('figure', { name: 'The Philippines: the new front online' })
				.locator('svg rect')
		).toHaveCount(3);
		await story.close();

		// Unpublished, then deleted: through the admin, so the site's cache follows.
		await page.getByRole('button', { name: 'Unpublish: 2020' }).click();
		await expect(page.getByText('Unpublished: the site no longer shows it.')).toBeVisible();
		await page.getByRole('button', { name: 'Delete the draft: 2020' }).click();
		await expect(page.getByText('The draft was deleted.')).toBeVisible();
		await expect(page.getByRole('region', { name: 'Preview' }).locator('svg rect')).toHaveCount(2);
	});

	test('a viewer reads the figures but cannot change them, even by a handcrafted POST', async ({
		page,
		baseURL
	}) => {
		await signIn(page, addStaff('viewer'));
		await page.goto('/admin/impact');
		await expect(page.getByRole('link', { name: 'Edit: people trained' })).toHaveCount(0);
		expect((await page.goto('/admin/impact/metrics/people_trained'))!.status()).toBe(403);
		const refused = await page.request.post('/admin/impact/metrics/people_trained', {
			headers: { origin: baseURL!, accept: 'application/json' },
			form: { value: '1', qualifier: 'exact', verification: 'verified' }
		});
		expect(refused.status()).toBe(403);
		expect(await sql(`select value::int from impact_metrics where key = 'people_trained'`)).toEqual(
			[{ value: 22000 }]
		);
		await page.goto('/admin/impact');
	});
});
