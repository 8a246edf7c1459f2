import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CampaignFields, PetitionFields } from '../../src/lib/schemas/campaign.ts';
import { serviceClient, uniqueEmail, useStackForServerCode, withSql } from './helpers.ts';

// Staff running campaigns and petitions, as the database and the server code
// keep it: every save audited with what it was and became, slugs unique, marking
// delivered or won publishes the update supporters see, and the signer list for
// the target holds names only of those who agreed, never an email, with a
// checksum that is the same for the same list.

const db = serviceClient();
let campaigns: typeof import('../../src/lib/server/campaigns/admin.ts');
let petitions: typeof import('../../src/lib/server/petitions/admin.ts');
let delivery: typeof import('../../src/lib/server/petitions/delivery.ts');
let actor: { id: string };

beforeAll(async () => {
	await useStackForServerCode();
	campaigns = await import('../../src/lib/server/campaigns/admin.ts');
	petitions = await import('../../src/lib/server/petitions/admin.ts');
	delivery = await import('../../src/lib/server/petitions/delivery.ts');
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

const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

function campaignFields(slug: string, overrides: Partial<CampaignFields> = {}): CampaignFields {
	return {
		slug,
		status: 'draft',
		goal_cents: 5_000_000,
		en: { title: 'Protect children', summary: 'A summary', story: 'A story.' },
		fr: { title: 'Protéger les enfants', summary: 'Un résumé', story: 'Un récit.' },
		...overrides
	};
}

function petitionFields(slug: string, overrides: Partial<PetitionFields> = {}): PetitionFields {
	return {
		slug,
		title: `Test petition ${slug}`,
		status: 'draft',
		campaign_id: null,
		goal: 1000,
		deadline: null,
		time_zone: 'America/Toronto',
		embed_origins: [],
		en: { title: 'Act now', target: 'The Minister', letter: 'Dear Minister,\n\nPlease act.' },
		fr: { title: 'Agissez', target: 'Le ministre', letter: 'Monsieur le Ministre,\n\nAgissez.' },
		...overrides
	};
}

async function lastAudit(action: string, target: string) {
	const { data } = await db
		.from('audit_log')
		.select('staff_id, details, ip')
		.eq('action', action)
		.eq('target', target)
		.order('id', { ascending: false })
		.limit(1);
	return data![0];
}

describe('campaigns', () => {
	it('creates and saves a campaign in both languages, each change audited with before and after', async () => {
		const slug = `c-${unique()}`;
		const created = await campaigns.save(actor, null, campaignFields(slug), '192.0.2.1');
		expect(created.ok).toBe(true);
		const id = (created as { id: string }).id;
		const first = await lastAudit('campaign.created', id);
		expect(first.staff_id).toBe(actor.id);
		expect(first.details.from).toBeNull();
		expect(first.details.to).toMatchObject({ slug, goal_cents: 5_000_000, status: 'draft' });
		expect(first.details.to.text.fr.title).toBe('Protéger les enfants');

		const saved = await campaigns.save(
			actor,
			id,
			campaignFields(slug, {
				status: 'published',
				goal_cents: null,
				fr: { title: 'Protéger les enfants en ligne', summary: 'Un résumé', story: 'Un récit.' }
			}),
			'192.0.2.1'
		);
		expect(saved.ok).toBe(true);
		const change = await lastAudit('campaign.saved', id);
		expect(change.details.from).toMatchObject({ status: 'draft', goal_cents: 5_000_000 });
		expect(change.details.to).toMatchObject({ status: 'published', goal_cents: null });
		expect(change.details.from.text.fr.title).toBe('Protéger les enfants');
		expect(change.details.to.text.fr.title).toBe('Protéger les enfants en ligne');

		const campaign = await campaigns.read(id);
		expect(campaign?.published_at).toBeTruthy();
		expect(campaign?.fr.title).toBe('Protéger les enfants en ligne');
	});

	it('keeps the first publication date when a campaign is closed and published again', async () => {
		const slug = `c-${unique()}`;
		const { id } = (await campaigns.save(
			actor,
			null,
			campaignFields(slug, { status: 'published' }),
			'192.0.2.1'
		)) as { id: string };
		const first = (await campaigns.read(id))!.published_at;
		expect(first).toBeTruthy();
		await campaigns.save(actor, id, campaignFields(slug, { status: 'closed' }), '192.0.2.1');
		await campaigns.save(actor, id, campaignFields(slug, { status: 'published' }), '192.0.2.1');
		expect((await campaigns.read(id))!.published_at).toBe(first);
	});

	it('refuses a slug another campaign has, and lets a campaign keep its own', async () => {
		const slug = `c-${unique()}`;
		const { id } = (await campaigns.save(actor, null, campaignFields(slug), '192.0.2.1')) as {
			id: string;
		};
		expect(await campaigns.save(actor, null, campaignFields(slug), '192.0.2.1')).toEqual({
			ok: false,
			reason: 'slug-taken'
		});
		const other = (await campaigns.save(actor, null, campaignFields(`${slug}-2`), '192.0.2.1')) as {
			id: string;
		};
		expect(await campaigns.save(actor, other.id, campaignFields(slug), '192.0.2.1')).toEqual({
			ok: false,
			reason: 'slug-taken'
		});
		expect((await campaigns.save(actor, id, campaignFields(slug), '192.0.2.1')).ok).toBe(true);
	});
});

describe('petitions', () => {
	it('stores the deadline typed on Toronto’s clock, the embed origins, and audits the change', async () => {
		const slug = `p-${unique()}`;
		const { id } = (await petitions.save(
			actor,
			null,
			petitionFields(slug, {
				deadline: '2027-06-30T23:59',
				embed_origins: ['https://partner.example.org']
			}),
			'192.0.2.1'
		)) as { id: string };
		const petition = await petitions.read(id, 'en');
		expect(new Date(petition!.deadline!).toISOString()).toBe('2027-07-01T03:59:00.000Z');
		expect(petition!.embed_origins).toEqual(['https://partner.example.org']);
		expect(petition!.published_at).toBeNull();

		await petitions.save(
			actor,
			id,
			petitionFields(slug, { status: 'published', deadline: '2027-01-15T12:00' }),
			'192.0.2.1'
		);
		const change = await lastAudit('petition.saved', id);
		expect(change.details.from).toMatchObject({
			status: 'draft',
			embed_origins: ['https://partner.example.org']
		});
		expect(change.details.to).toMatchObject({ status: 'published', embed_origins: [] });
		expect(new Date(change.details.to.deadline).toISOString()).toBe('2027-01-15T17:00:00.000Z');
		expect((await petitions.read(id, 'en'))!.published_at).toBeTruthy();

		expect(await petitions.save(actor, null, petitionFields(slug), '192.0.2.1')).toEqual({
			ok: false,
			reason: 'slug-taken'
		});
	});

	it('marks a petition delivered and won, once each, with the update supporters see', async () => {
		const campaign = (await campaigns.save(
			actor,
			null,
			campaignFields(`c-${unique()}`, { status: 'published' }),
			'192.0.2.1'
		)) as { id: string };
		const { id } = (await petitions.save(
			actor,
			null,
			petitionFields(`p-${unique()}`, { status: 'published', campaign_id: campaign.id }),
			'192.0.2.1'
		)) as { id: string };
		const update = {
			en: { title: 'We delivered it', body: 'We met the Minister.' },
			fr: { title: 'Nous l’avons remise', body: 'Nous avons rencontré le ministre.' }
		};
		const marked = await petitions.mark(actor, id, 'delivered', update, '192.0.2.1');
		expect(marked.ok).toBe(true);
		expect(await petitions.mark(actor, id, 'delivered', update, '192.0.2.1')).toEqual({
			ok: false,
			reason: 'already'
		});

		const petition = await petitions.read(id, 'fr');
		expect(petition!.delivered_at).toBeTruthy();
		expect(petition!.won_at).toBeNull();
		const updates = await petitions.updates(id);
		expect(updates).toHaveLength(1);
		expect(updates[0]).toMatchObject({ kind: 'delivered', en: update.en, fr: update.fr });
		const [row] = await withSql(
			async (sql) =>
				(
					await sql.query('select campaign_id, created_by from campaign_updates where id = $1', [
						(marked as { updateId: number }).updateId
					])
				).rows
		);
		expect(row).toEqual({ campaign_id: campaign.id, created_by: actor.id });
		const entry = await lastAudit('petition.delivered', id);
		expect(entry.details.from).toEqual({ delivered_at: null });
		expect(entry.details.to.delivered_at).toBeTruthy();
		expect(entry.details.update.fr.title).toBe('Nous l’avons remise');

		expect((await petitions.mark(actor, id, 'won', update, '192.0.2.1')).ok).toBe(true);
		expect((await petitions.updates(id)).map((each) => each.kind).sort()).toEqual([
			'delivered',
			'won'
		]);
	});
});

describe('the signer list for the target', () => {
	let petitionId: string;
	const marker = unique();

	beforeAll(async () => {
		({ id: petitionId } = (await petitions.save(
			actor,
			null,
			petitionFields(`p-${marker}`, { status: 'published' }),
			'192.0.2.1'
		)) as { id: string });
		const signers = [
			{
				first: 'Awa',
				last: 'Diallo',
				province: 'QC',
				postal: 'h2x 1y4',
				show: true,
				source: 'direct',
				comment: 'Please act.'
			},
			{
				first: 'Hidden',
				last: 'Person',
				province: 'ON',
				postal: 'K1A 0B1',
				show: false,
				source: 'share:whatsapp',
				comment: null
			},
			{
				first: '=cmd|calc',
				last: 'Formula',
				province: 'BC',
				postal: null,
				show: true,
				source: 'embed:https://partner.example.org',
				comment: '+1 from me'
			},
			{
				first: 'Erased',
				last: 'Signer',
				province: 'AB',
				postal: 'T2P 1J9',
				show: true,
				source: 'direct',
				comment: 'Gone'
			}
		];
		const ids: number[] = [];
		await withSql(async (sql) => {
			for (const [index, signer] of signers.entries()) {
				const { rows } = await sql.query(
					`insert into supporters (email, first_name, last_name, province)
					 values ($1, $2, $3, $4) returning id`,
					[uniqueEmail(`signer${index}`), signer.first, signer.last, signer.province]
				);
				const signed = await sql.query(
					`insert into petition_signatures (petition_id, supporter_id, show_name, postal_code, source,
					   comment, referred_by, signed_at)
					 values ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(hours => $8)) returning id`,
					[
						petitionId,
						rows[0].id,
						signer.show,
						signer.postal,
						signer.source,
						signer.comment,
						index === 0 ? null : ids[0],
						100 - index
					]
				);
				ids.push(signed.rows[0].id);
			}
			// The fourth signer asks to be erased: their signature still counts, nameless.
			await sql.query(
				`update supporters set erased_at = now(), first_name = null, last_name = null
				 where id = (select supporter_id from petition_signatures where id = $1)`,
				[ids[3]]
			);
		});
	});

	async function streamedCsv(language: 'en' | 'fr') {
		const stream = delivery.signaturesCsv(petitionId, language, {
			staffId: actor.id,
			ip: '192.0.2.1'
		});
		return new Uint8Array(await new Response(stream).arrayBuffer());
	}

	it('shows names only of signers who agreed, never an email, and cuts postal codes to three characters', async () => {
		const bytes = await streamedCsv('en');
		const text = new TextDecoder().decode(bytes);
		const lines = text
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\n');
		expect(lines[0]).toBe(
			'Signed (Toronto time),First name,Last name,Province,Postal code (first 3),Comment'
		);
		expect(lines).toHaveLength(5);
		expect(text).not.toContain('@');
		expect(text).not.toContain('Hidden');
		expect(text).not.toContain('Person');
		expect(text).not.toContain('Erased');
		expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2},Awa,Diallo,QC,H2X,Please act\.$/);
		expect(lines[2]).toMatch(/,\(name withheld\),,ON,K1A,$/);
		// A cell a spreadsheet would run as a formula is made text.
		expect(lines[3]).toContain(`,'=cmd|calc,Formula,BC,,'+1 from me`);
		expect(lines[4]).toMatch(/,\(name withheld\),,AB,,$/);

		const frenchBytes = await streamedCsv('fr');
		const french = new TextDecoder().decode(frenchBytes);
		expect(french).toContain('Prénom');
		expect(french).toContain('(nom non divulgué)');

		const entry = await lastAudit('petition.signatures_exported', petitionId);
		expect(entry.details).toMatchObject({ rows: 4, language: 'fr' });
		expect(entry.details.sha256).toBe(createHash('sha256').update(frenchBytes).digest('hex'));
	});

	it('gives the same checksum for the same list, streamed or whole, and the PDF carries it', async () => {
		const streamed = createHash('sha256')
			.update(await streamedCsv('en'))
			.digest('hex');
		const whole = await delivery.signerList(petitionId, 'en');
		const again = await delivery.signerList(petitionId, 'en');
		expect(whole.sha256).toBe(streamed);
		expect(again.sha256).toBe(streamed);

		const made = await delivery.deliveryPackage(actor, petitionId, 'en', '192.0.2.1', 'IJM Canada');
		expect(made!.sha256).toBe(streamed);
		expect(made!.signatures).toBe(4);
		expect(new TextDecoder().decode(made!.pdf.slice(0, 5))).toBe('%PDF-');
		const pdf = await PDFDocument.load(made!.pdf);
		expect(pdf.getSubject()).toContain(streamed);
		expect(pdf.getTitle()).toBe('Act now');

		const [pack] = await petitions.packages(petitionId);
		expect(pack).toMatchObject({ language: 'en', signatures: 4, sha256: streamed });
		const entry = await lastAudit('petition.package_made', petitionId);
		expect(entry.details).toMatchObject({ sha256: streamed, signatures: 4, language: 'en' });
	});

	it('counts signatures by day (signed before publication too), by source and by referrer; names for campaigners only', async () => {
		const named = await petitions.stats(petitionId, true);
		expect(named.by_day.reduce((sum, day) => sum + day.signatures, 0)).toBe(4);
		// Signed four days ago, before the petition was published today: still on the chart.
		expect(named.by_day.length).toBeGreaterThanOrEqual(5);
		expect(named.by_day.length).toBeLessThanOrEqual(30);
		expect(named.sources).toEqual([
			{ source: 'direct', signatures: 2 },
			{ source: 'embed:https://partner.example.org', signatures: 1 },
			{ source: 'share:whatsapp', signatures: 1 }
		]);
		expect(named.referred).toBe(3);
		expect(named.referrers).toEqual([
			expect.objectContaining({ first_name: 'Awa', signatures: 3 })
		]);
		const counts = await petitions.stats(petitionId, false);
		expect(counts.referrers).toEqual([
			expect.objectContaining({ first_name: null, signatures: 3 })
		]);
	});
});
