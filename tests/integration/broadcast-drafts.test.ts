import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PetitionFields } from '../../src/lib/schemas/campaign.ts';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// What staff start an email from: a results update drafted from the published
// impact figures that changed since the last one (each with its source, charts as
// images), a petition's or campaign's news; and the chart image mail clients load.

const db = serviceClient();
let drafts: typeof import('../../src/lib/server/broadcasts/drafts.ts');
let petitions: typeof import('../../src/lib/server/petitions/admin.ts');
let actor: { id: string };

beforeAll(async () => {
	await useStackForServerCode();
	drafts = await import('../../src/lib/server/broadcasts/drafts.ts');
	petitions = await import('../../src/lib/server/petitions/admin.ts');
	const [staff] = await withSql(
		async (sql) =>
			(
				await sql.query(`insert into staff (email, role) values ($1, 'campaigner') returning id`, [
					uniqueEmail('campaigner')
				])
			).rows
	);
	actor = { id: staff.id };
});

afterAll(async () => {
	await withSql(async (sql) => {
		await sql.query(`update impact_metrics set value = 1775 where key = 'victims_rescued'`);
		await sql.query(`delete from impact_series where key = 'draft_series_for_drafts_test'`);
	});
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function publishedKeys() {
	return withSql(async (sql) => ({
		metrics: (
			await sql.query(`select key from impact_metrics where published order by sort, key`)
		).rows.map((row) => row.key as string),
		series: (
			await sql.query(
				`select s.key from impact_series s
				where s.published and exists (
					select 1 from impact_series_points p where p.series_key = s.key and p.published)
				order by s.sort, s.key`
			)
		).rows.map((row) => row.key as string)
	}));
}

describe('draftResultsUpdate', () => {
	it('lists every published figure with its source, and every published chart, in English and French', async () => {
		const draft = await drafts.draftResultsUpdate(null);
		const published = await publishedKeys();
		expect(draft.topic).toBe('results');
		expect(draft.changed).toEqual(published);
		expect(published.metrics).toContain('people_protected');
		expect(published.series).toContain('cambodia_minors_share');

		const { en, fr } = draft.content;
		expect(en.body).toContain(
			'- **7.3 million** people protected (Cambodia, the Philippines, Uganda and Guatemala, at the time of the report). ' +
				'Source: [IJM Canada, A Proven Solution to a Global Problem](https://www.ijm.ca/research).'
		);
		expect(fr.body).toContain(
			'- **7,3 millions** personnes protégées (Cambodge, Philippines, Ouganda et Guatemala, au moment du rapport). ' +
				'Source : [IJM Canada, A Proven Solution to a Global Problem](https://www.ijm.ca/research).'
		);
		expect(en.body).toContain('## Cambodia: minors among people in commercial sex');
		expect(en.body).toMatch(/\/email\/charts\/cambodia_minors_share\.png\?lang=en&v=\d+\)/);
		expect(fr.body).toMatch(/\/email\/charts\/cambodia_minors_share\.png\?lang=fr&v=\d+\)/);
		expect(en.body).toContain('In figures: 2014: 43; 2017: 149.');
		expect(en.body).toContain(
			'Source: [IJM, Online Sexual Exploitation of Children in the Philippines (2020)](https://www.ijm.org/philippines).'
		);
		expect(en.cta).toMatchObject({ kind: 'read', label: 'Read the full story' });
		expect(en.cta!.url).toMatch(/\/impact$/);
		expect(fr.cta!.url).toMatch(/\/fr\/impact$/);
	});

	it('after an update, lists only the figure changed since, and a chart whose value changed', async () => {
		const since = new Date();
		await sleep(20);
		expect((await drafts.draftResultsUpdate(since)).changed).toEqual({ metrics: [], series: [] });

		await withSql((sql) =>
			sql.query(`update impact_metrics set value = 1776 where key = 'victims_rescued'`)
		);
		const draft = await drafts.draftResultsUpdate(since);
		expect(draft.changed).toEqual({ metrics: ['victims_rescued'], series: [] });
		expect(draft.content.en.body).toContain('- **1,776+** victims rescued');
		expect(draft.content.en.body).not.toContain('people protected');
		expect(draft.content.fr.body).toContain('- **1\u00a0776+** victimes secourues');

		const before = (await drafts.draftResultsUpdate(null)).content.en.body.match(
			/philippines_osec_rate\.png\?lang=en&v=(\d+)/
		)![1];
		await withSql((sql) =>
			sql.query(
				`update impact_series_points set value = value where series_key = 'philippines_osec_rate' and sort = 2`
			)
		);
		const withPoint = await drafts.draftResultsUpdate(since);
		expect(withPoint.changed).toEqual({
			metrics: ['victims_rescued'],
			series: ['philippines_osec_rate']
		});
		// The image's address changes with its values, so no cache shows the old chart.
		const after = withPoint.content.en.body.match(
			/philippines_osec_rate\.png\?lang=en&v=(\d+)/
		)![1];
		expect(Number(after)).toBeGreaterThan(Number(before));
	});
});

function petitionFields(slug: string, overrides: Partial<PetitionFields> = {}): PetitionFields {
	return {
		slug,
		title: `Drafts test ${slug}`,
		status: 'published',
		campaign_id: null,
		goal: 5,
		deadline: null,
		time_zone: 'America/Toronto',
		embed_origins: [],
		en: { title: 'Protect witnesses', target: 'The Minister of Justice', letter: 'Dear Minister.' },
		fr: { title: 'Protéger les témoins', target: 'Le ministre de la Justice', letter: 'Monsieur.' },
		...overrides
	};
}

describe('draftPetitionNews and draftCampaignNews', () => {
	it('says a delivered petition was delivered, with its count, its goal and the update staff wrote', async () => {
		const slug = `drafts-${Date.now().toString(36)}`;
		const saved = await petitions.save(actor, null, petitionFields(slug), '192.0.2.1');
		const id = (saved as { id: string }).id;
		for (let n = 0; n < 3; n += 1) {
			const { error } = await db.rpc('petition_sign', {
				p_signature: {
					petition: slug,
					email: uniqueEmail('signer'),
					first_name: 'Ana',
					language: 'en'
				}
			});
			expect(error).toBeNull();
		}
		const marked = await petitions.mark(
			actor,
			id,
			'delivered',
			{
				en: { title: 'Handed to the Minister', body: 'We met the Minister’s office.' },
				fr: { title: 'Remise au ministre', body: 'Nous avons rencontré le cabinet du ministre.' }
			},
			'192.0.2.1'
		);
		expect(marked.ok).toBe(true);

		const draft = await drafts.draftPetitionNews(id);
		expect(draft).not.toBeNull();
		const { en, fr } = draft!.content;
		expect(draft!.topic).toBe('campaigns');
		expect(en.subject).toBe('Delivered: Protect witnesses');
		expect(en.body).toMatch(
			/^On \w+ \d+, \d{4}, we delivered the petition “Protect witnesses” to The Minister of Justice\./
		);
		expect(en.body).toContain('Signatures: 3 (goal: 5).');
		expect(en.body).toContain('## Handed to the Minister\n\nWe met the Minister’s office.');
		expect(fr.subject).toBe('Pétition remise : Protéger les témoins');
		expect(fr.body).toContain(
			'nous avons remis la pétition « Protéger les témoins » à Le ministre de la Justice.'
		);
		expect(fr.body).toContain('Signatures : 3 (objectif : 5).');
		// Delivered: no longer a call to sign; it has no campaign to give to.
		expect(en.cta).toMatchObject({ kind: 'read', label: 'Read the petition' });
		expect(en.cta!.url).toMatch(new RegExp(`/petitions/${slug}$`));
	});

	it('drafts nothing for a draft petition or an unknown one', async () => {
		const slug = `drafts-draft-${Date.now().toString(36)}`;
		const saved = await petitions.save(
			actor,
			null,
			petitionFields(slug, { status: 'draft' }),
			'192.0.2.1'
		);
		expect(await drafts.draftPetitionNews((saved as { id: string }).id)).toBeNull();
		expect(await drafts.draftPetitionNews(crypto.randomUUID())).toBeNull();
		expect(await drafts.draftPetitionNews('not-an-id')).toBeNull();
	});

	it('drafts the seeded campaign’s news: raised against its goal, its petition, and a call to give', async () => {
		const [{ id }] = await withSql(
			async (sql) =>
				(await sql.query(`select id from campaigns where slug = 'protect-children-online'`)).rows
		);
		const draft = await drafts.draftCampaignNews(id);
		const { en, fr } = draft!.content;
		expect(en.body).toMatch(/Raised so far: \$[\d,.]+ of a goal of \$50,000\./);
		expect(en.body).toContain(
			'- **Stop Canadians from paying for the live-streamed abuse of children**: '
		);
		expect(en.body).toMatch(/Signatures: [\d,]+ \(goal: 10,000\)\./);
		expect(en.cta).toMatchObject({ kind: 'give', label: 'Give to this campaign' });
		expect(en.cta!.url).toMatch(/\/donate\?campaign=protect-children-online$/);
		expect(fr.cta!.url).toMatch(/\/fr\/donate\?campaign=protect-children-online$/);
	});
});

describe('GET /email/charts/<series>.png', () => {
	let site: Awaited<ReturnType<typeof startSite>>;
	beforeAll(async () => {
		site = await startSite();
	}, 300_000);
	afterAll(async () => {
		await site?.stop();
	});

	it('answers a published chart as a PNG anyone may cache for a day, with no cookie; 404 for unknown or unpublished ones', async () => {
		const response = await fetch(`${site.url}/email/charts/cambodia_minors_share.png?lang=fr&v=1`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
		expect(response.headers.get('set-cookie')).toBeNull();
		const png = Buffer.from(await response.arrayBuffer());
		expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(png.readUInt32BE(16)).toBe(1200);

		expect((await fetch(`${site.url}/email/charts/no_such_series.png`)).status).toBe(404);
		expect((await fetch(`${site.url}/email/charts/constructor.png`)).status).toBe(404);
		await withSql(async (sql) => {
			await sql.query(
				`insert into impact_series (key, unit, published) values ('draft_series_for_drafts_test', 'rate', false)`
			);
			await sql.query(
				`insert into impact_series_translations (series_key, language, title, caption, value_label)
				values ('draft_series_for_drafts_test', 'en', 'Draft', 'Not yet.', 'Per 10,000')`
			);
		});
		expect((await fetch(`${site.url}/email/charts/draft_series_for_drafts_test.png`)).status).toBe(
			404
		);
	});
});
