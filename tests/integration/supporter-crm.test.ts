import { describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, withSql } from './helpers.ts';

// The supporter CRM's rules as staff rely on them: who counts as subscribed
// (CASL), what a filter finds, tags, segments, and merging two records of one person.

const db = serviceClient();

async function addSupporter(
	fields: Record<string, unknown> = {}
): Promise<{ id: string; email: string }> {
	const email = (fields.email as string) ?? uniqueEmail();
	const { data, error } = await db
		.from('supporters')
		.insert({ email, language: 'en', ...fields })
		.select('id, email')
		.single();
	expect(error).toBeNull();
	return data!;
}

async function consent(supporterId: string, fields: Record<string, unknown>) {
	const { error } = await db.from('consents').insert({
		supporter_id: supporterId,
		channel: 'email',
		status: 'granted',
		kind: 'express',
		source: 'test:/petitions/x',
		wording: 'Yes, email me updates.',
		language: 'en',
		...fields
	});
	expect(error).toBeNull();
}

async function find(filter: Record<string, unknown>): Promise<string[]> {
	const { data, error } = await db.rpc('supporter_find', {
		p_filter: filter,
		p_limit: 1000,
		p_before_created_at: null,
		p_before_id: null
	});
	expect(error).toBeNull();
	return (data as { id: string }[]).map((row) => row.id);
}

async function count(filter: Record<string, unknown>): Promise<number> {
	const { data, error } = await db.rpc('supporter_count', { p_filter: filter });
	expect(error).toBeNull();
	return Number(data);
}

async function stateOf(id: string) {
	const { data } = await db
		.from('supporters')
		.select('email_consent, email_consent_expires_at')
		.eq('id', id)
		.single();
	return data!;
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

describe('email consent under CASL', () => {
	it('keeps express consent until withdrawn, and lets implied consent lapse by itself', async () => {
		const express = await addSupporter();
		await consent(express.id, {});
		// A later gift gives implied consent too: it must not shorten the express one.
		await consent(express.id, { kind: 'implied', expires_at: days(730), source: 'gift' });
		expect(await stateOf(express.id)).toEqual({
			email_consent: 'granted',
			email_consent_expires_at: null
		});

		const lapsed = await addSupporter();
		await consent(lapsed.id, { kind: 'implied', expires_at: days(-1), given_at: days(-731) });
		const implied = await addSupporter();
		await consent(implied.id, { kind: 'implied', expires_at: days(30), given_at: days(-700) });

		const subscribed = await find({ consent: 'subscribed' });
		expect(subscribed).toContain(express.id);
		expect(subscribed).toContain(implied.id);
		expect(subscribed).not.toContain(lapsed.id);
		expect(await find({ consent: 'expiring' })).toContain(implied.id);
		expect(await find({ consent: 'expiring' })).not.toContain(express.id);
		expect(await find({ consent: 'expired' })).toContain(lapsed.id);

		// A broadcast reaches the express and the live implied consent, not the lapsed one.
		const key = `crm-test-${Date.now()}`;
		const { error } = await db.rpc('email_enqueue_broadcast', {
			p_key: key,
			p_template: 'sample',
			p_data: {},
			p_not_before: days(365)
		});
		expect(error).toBeNull();
		const { data: queued } = await db
			.from('email_outbox')
			.select('supporter_id')
			.like('idempotency_key', `${key}:%`)
			.in('supporter_id', [express.id, lapsed.id, implied.id]);
		expect(queued!.map((row) => row.supporter_id).sort()).toEqual([express.id, implied.id].sort());
		await withSql((sql) =>
			sql.query(`delete from email_outbox where idempotency_key like $1`, [`${key}:%`])
		);
	});

	it('never lets an old consent, recorded later, override a later unsubscribe', async () => {
		const person = await addSupporter();
		await consent(person.id, { status: 'withdrawn', source: 'email:unsubscribe-page' });
		// An import of a 2019 list states consent given before the unsubscribe.
		await consent(person.id, { given_at: '2019-05-01T00:00:00Z', source: 'import:old.csv' });
		expect((await stateOf(person.id)).email_consent).toBe('withdrawn');
		expect(await find({ consent: 'withdrawn' })).toContain(person.id);
		// Signing up again today does subscribe them.
		await consent(person.id, {});
		expect((await stateOf(person.id)).email_consent).toBe('granted');
	});

	it('refuses implied consent without an end date', async () => {
		const person = await addSupporter();
		const { error } = await db.from('consents').insert({
			supporter_id: person.id,
			channel: 'email',
			status: 'granted',
			kind: 'implied',
			source: 'gift',
			wording: 'Thank you for your gift.',
			language: 'en'
		});
		expect(error?.message).toMatch(/consents_implied_expires/);
	});
});

describe('filters', () => {
	it('finds supporters by each filter, combined with AND, and counts them', async () => {
		const marker = `zq${Date.now().toString(36)}`;
		const { data: petition } = await db
			.from('petitions')
			.insert({ slug: `crm-${marker}`, title: 'Crm test petition', status: 'published' })
			.select('id')
			.single();
		const quebec = await addSupporter({ first_name: marker, language: 'fr', province: 'QC' });
		const ontario = await addSupporter({ first_name: marker, province: 'ON' });
		const donor = await addSupporter({ first_name: marker, province: 'QC' });
		const gifts = await db.from('gifts').insert([
			{
				supporter_id: donor.id,
				amount_cents: 2500,
				frequency: 'monthly',
				status: 'succeeded',
				test: false
			},
			{
				supporter_id: ontario.id,
				amount_cents: 900,
				frequency: 'one_time',
				status: 'succeeded',
				test: true
			}
		]);
		expect(gifts.error).toBeNull();
		const signed = await db
			.from('petition_signatures')
			.insert({ petition_id: petition!.id, supporter_id: ontario.id });
		expect(signed.error).toBeNull();
		await withSql((sql) =>
			sql.query(`update supporters set last_activity_at = '2024-01-15' where id = $1`, [quebec.id])
		);

		expect((await find({ q: marker })).sort()).toEqual([quebec.id, ontario.id, donor.id].sort());
		expect(await count({ q: marker })).toBe(3);
		expect(await find({ q: marker, language: 'fr' })).toEqual([quebec.id]);
		expect((await find({ q: marker, provinces: ['QC'] })).sort()).toEqual(
			[quebec.id, donor.id].sort()
		);
		// A test gift is not a gift.
		expect(await find({ q: marker, given: 'yes' })).toEqual([donor.id]);
		expect((await find({ q: marker, given: 'no' })).sort()).toEqual([quebec.id, ontario.id].sort());
		expect(await find({ q: marker, monthly: true })).toEqual([donor.id]);
		expect(await find({ q: marker, petition: petition!.id })).toEqual([ontario.id]);
		// Signing is activity: the signer is active today, the Quebec supporter since 2024.
		expect(await find({ q: marker, active_before: '2025-01-01' })).toEqual([quebec.id]);
		expect((await find({ q: marker, active_after: '2025-01-01' })).sort()).toEqual(
			[ontario.id, donor.id].sort()
		);
		expect(await count({ q: marker, consent: 'none' })).toBe(3);
	});

	it('takes values as data, never as SQL, and refuses unknown keys', async () => {
		const odd = await addSupporter({ first_name: "O'Brien_%" });
		expect(await find({ q: "o'brien_%" })).toEqual([odd.id]);
		// _ and % are literal: "o_brien" must not match O'Brien.
		expect(await find({ q: 'o_brien' })).not.toContain(odd.id);
		expect(await count({ q: "x' or 1=1 --" })).toBe(0);
		const { error } = await db.rpc('supporter_count', { p_filter: { '1=1) or (true': 1 } });
		expect(error?.message).toMatch(/unknown_filter/);
		const bad = await db.rpc('supporter_count', {
			p_filter: { petition: "x'; drop table supporters; --" }
		});
		expect(bad.error).not.toBeNull();
		expect(await count({})).toBeGreaterThan(0);
	});
});

describe('tags and segments', () => {
	it('tags the chosen supporters or everyone a filter matches, audited once', async () => {
		const marker = `tg${Date.now().toString(36)}`;
		const people = await Promise.all([1, 2, 3].map(() => addSupporter({ last_name: marker })));
		const tag = `Volunteer ${marker}`;
		const byIds = await db.rpc('supporter_tags_change', {
			p_actor: null,
			p_tag: tag,
			p_add: true,
			p_ids: [people[0].id],
			p_filter: null,
			p_ip: '127.0.0.1'
		});
		expect(byIds.data).toBe(1);
		// Any letter case names the same tag; those already tagged are not counted twice.
		const byFilter = await db.rpc('supporter_tags_change', {
			p_actor: null,
			p_tag: tag.toUpperCase(),
			p_add: true,
			p_ids: null,
			p_filter: { q: marker },
			p_ip: '127.0.0.1'
		});
		expect(byFilter.data).toBe(2);
		expect(await count({ tags: [tag.toLowerCase()] })).toBe(3);

		const removed = await db.rpc('supporter_tags_change', {
			p_actor: null,
			p_tag: tag,
			p_add: false,
			p_ids: [people[1].id, people[2].id],
			p_filter: null,
			p_ip: '127.0.0.1'
		});
		expect(removed.data).toBe(2);
		expect(await find({ tags: [tag] })).toEqual([people[0].id]);

		const { data: audit } = await db
			.from('audit_log')
			.select('action, details')
			.eq('target', tag.toUpperCase());
		expect(audit).toEqual([
			{ action: 'supporters.tagged', details: expect.objectContaining({ count: 2 }) }
		]);
	});

	it('keeps a segment as its filter, so it means whoever matches now', async () => {
		const marker = `sg${Date.now().toString(36)}`;
		await addSupporter({ first_name: marker, province: 'NS' });
		const { data: segment, error } = await db
			.from('segments')
			.insert({ name: `Nova Scotia ${marker}`, filter: { q: marker, provinces: ['NS'] } })
			.select('filter')
			.single();
		expect(error).toBeNull();
		expect(await count(segment!.filter)).toBe(1);
		await addSupporter({ first_name: marker, province: 'NS' });
		expect(await count(segment!.filter)).toBe(2);
		// Two segments cannot share a name, in any letter case.
		const twin = await db.from('segments').insert({ name: `NOVA SCOTIA ${marker}`, filter: {} });
		expect(twin.error?.code).toBe('23505');
	});
});

describe('merging two records of one person', () => {
	it('keeps every consent, signature, gift, note, tag and email of both, and loses nothing', async () => {
		const survivor = await addSupporter({ first_name: 'Amara', postal_code: null });
		const duplicate = await addSupporter({
			first_name: 'Ama',
			last_name: 'Okafor',
			postal_code: 'H2X 1Y4',
			province: 'QC'
		});
		const marker = Date.now().toString(36);
		const { data: petitions } = await db
			.from('petitions')
			.insert([
				{ slug: `merge-a-${marker}`, title: 'A', status: 'published' },
				{ slug: `merge-b-${marker}`, title: 'B', status: 'published' }
			])
			.select('id');
		const [shared, onlyDuplicate] = petitions!.map((row) => row.id);
		const signed = await db.from('petition_signatures').insert([
			{ petition_id: shared, supporter_id: survivor.id, signed_at: '2026-03-01T00:00:00Z' },
			{ petition_id: shared, supporter_id: duplicate.id, signed_at: '2026-01-01T00:00:00Z' },
			{ petition_id: onlyDuplicate, supporter_id: duplicate.id, signed_at: '2026-05-01T00:00:00Z' }
		]);
		expect(signed.error).toBeNull();
		const gifts = await db.from('gifts').insert([
			{ supporter_id: survivor.id, amount_cents: 5000, frequency: 'one_time', status: 'succeeded' },
			{ supporter_id: duplicate.id, amount_cents: 1500, frequency: 'monthly', status: 'succeeded' },
			{ supporter_id: duplicate.id, amount_cents: 1500, frequency: 'monthly', status: 'succeeded' }
		]);
		expect(gifts.error).toBeNull();
		await consent(survivor.id, { status: 'withdrawn', given_at: '2026-02-01T00:00:00Z' });
		await consent(duplicate.id, { given_at: '2026-04-01T00:00:00Z' });
		await db
			.from('supporter_notes')
			.insert({ supporter_id: duplicate.id, body: 'Prefers phone calls.' });
		await db.rpc('supporter_tags_change', {
			p_actor: null,
			p_tag: `monthly-${marker}`,
			p_add: true,
			p_ids: [duplicate.id, survivor.id],
			p_filter: null,
			p_ip: null
		});
		await db.rpc('email_enqueue', {
			p_emails: [
				{
					idempotency_key: `merge-test:${duplicate.id}`,
					template: 'sample',
					data: {},
					language: 'en',
					supporter_id: duplicate.id,
					to_email: duplicate.email,
					kind: 'transactional',
					not_before: days(365)
				}
			]
		});
		const { data: token } = await db
			.from('supporters')
			.select('email_token')
			.eq('id', duplicate.id)
			.single();
		const giftTotal = async () =>
			(
				await withSql((sql) =>
					sql.query(
						`select sum(amount_cents)::int as total from gifts where status = 'succeeded' and not test`
					)
				)
			).rows[0].total as number;
		const totalBefore = await giftTotal();

		const { error } = await db.rpc('supporter_merge', {
			p_actor: null,
			p_survivor: survivor.id,
			p_duplicate: duplicate.id,
			p_ip: '127.0.0.1'
		});
		expect(error).toBeNull();

		const { data: merged } = await db
			.from('supporters')
			.select('first_name, last_name, postal_code, province, email, email_consent')
			.eq('id', survivor.id)
			.single();
		// Its own details stay; its blanks are filled from the duplicate.
		expect(merged).toMatchObject({
			first_name: 'Amara',
			last_name: 'Okafor',
			postal_code: 'H2X 1Y4',
			province: 'QC',
			email: survivor.email,
			// The duplicate's consent (April) is later than the survivor's unsubscribe (February).
			email_consent: 'granted'
		});
		const owned = async (table: string) =>
			(await db.from(table).select('*').eq('supporter_id', survivor.id)).data!;
		expect(await owned('consents')).toHaveLength(2);
		expect(await owned('gifts')).toHaveLength(3);
		expect(await owned('supporter_notes')).toHaveLength(1);
		expect(await owned('supporter_tags')).toHaveLength(1);
		expect(await owned('email_outbox')).toHaveLength(1);
		const signatures = await owned('petition_signatures');
		// One person signs a petition once: the earlier signature is kept.
		expect(signatures.map((row) => [row.petition_id, row.signed_at.slice(0, 10)]).sort()).toEqual(
			[
				[shared, '2026-01-01'],
				[onlyDuplicate, '2026-05-01']
			].sort()
		);
		expect(await giftTotal()).toBe(totalBefore);
		const { count: left } = await db
			.from('supporters')
			.select('id', { count: 'exact', head: true })
			.eq('id', duplicate.id);
		expect(left).toBe(0);

		// What the duplicate record held is kept, and its unsubscribe links still work.
		const { data: record } = await db
			.from('supporter_merges')
			.select('merged_row, folded')
			.eq('survivor_id', survivor.id)
			.single();
		expect(record!.merged_row).toMatchObject({ email: duplicate.email, first_name: 'Ama' });
		expect(record!.folded.signatures).toHaveLength(1);
		const unsubscribed = await db.rpc('email_unsubscribe', {
			p_token: token!.email_token,
			p_source: 'email:unsubscribe-page',
			p_wording_en: 'Unsubscribed.',
			p_wording_fr: 'Désabonné.'
		});
		expect(unsubscribed.data).toMatchObject({ already: false });
		expect((await stateOf(survivor.id)).email_consent).toBe('withdrawn');

		const { data: audit } = await db
			.from('audit_log')
			.select('action, details')
			.eq('target', survivor.id)
			.eq('action', 'supporter.merged');
		expect(audit![0].details).toMatchObject({
			merged_id: duplicate.id,
			merged_email: duplicate.email
		});
	});

	it('refuses to merge a supporter with themselves', async () => {
		const person = await addSupporter();
		const { error } = await db.rpc('supporter_merge', {
			p_actor: null,
			p_survivor: person.id,
			p_duplicate: person.id,
			p_ip: null
		});
		expect(error?.message).toBe('same_supporter');
	});
});

describe('re-permission before implied consent ends', () => {
	it('asks each supporter once per consent period, and a yes makes the consent express', async () => {
		const soon = await addSupporter({ language: 'fr' });
		await consent(soon.id, { kind: 'implied', expires_at: days(20), given_at: days(-710) });
		const later = await addSupporter();
		await consent(later.id, { kind: 'implied', expires_at: days(200), given_at: days(-530) });

		const { data: list } = await db.rpc('supporter_repermission_list', { p_limit: 10_000 });
		const listed = (list as { id: string; asked_at: string | null }[]).map((row) => row.id);
		expect(listed).toContain(soon.id);
		expect(listed).not.toContain(later.id);

		const first = await db.rpc('email_enqueue_repermission', { p_actor: null, p_ip: null });
		expect(first.error).toBeNull();
		expect(first.data).toBeGreaterThanOrEqual(1);
		const again = await db.rpc('email_enqueue_repermission', { p_actor: null, p_ip: null });
		expect(again.data).toBe(0);
		const { data: queued } = await db
			.from('email_outbox')
			.select('template, kind, language, data')
			.eq('supporter_id', soon.id);
		expect(queued).toEqual([
			{
				template: 'repermission',
				kind: 'broadcast',
				language: 'fr',
				data: { expiresAt: expect.any(String) }
			}
		]);
		const { data: asked } = await db.rpc('supporter_repermission_list', { p_limit: 10_000 });
		expect(
			(asked as { id: string; asked_at: string | null }[]).find((row) => row.id === soon.id)
				?.asked_at
		).not.toBeNull();

		const { data: token } = await db
			.from('supporters')
			.select('email_token')
			.eq('id', soon.id)
			.single();
		const kept = await db.rpc('email_keep_consent', {
			p_token: token!.email_token,
			p_source: 'email:repermission',
			p_wording: 'Oui, envoyez-moi les nouvelles.',
			p_language: 'fr'
		});
		expect(kept.data).toBe(true);
		expect(await stateOf(soon.id)).toEqual({
			email_consent: 'granted',
			email_consent_expires_at: null
		});
		expect(await find({ consent: 'expiring' })).not.toContain(soon.id);
		const unknown = await db.rpc('email_keep_consent', {
			p_token: 'f'.repeat(64),
			p_source: 'email:repermission',
			p_wording: 'x',
			p_language: 'en'
		});
		expect(unknown.data).toBe(false);
	});
});
