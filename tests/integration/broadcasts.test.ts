import { beforeEach, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, withSql } from './helpers.ts';

// Broadcasts in SQL (migration 0025): who is queued, once; who is left out when they
// change their mind during a send; and a schedule that fires once however many
// workers tick at the same time.

const db = () => serviceClient();

async function supporter(
	options: { tag?: string; consent?: boolean; language?: 'en' | 'fr'; optOut?: string } = {}
) {
	const { data, error } = await db()
		.from('supporters')
		.insert({ email: uniqueEmail('bc'), first_name: 'Ana', language: options.language ?? 'en' })
		.select('id, email, email_token')
		.single();
	expect(error).toBeNull();
	if (options.consent ?? true) {
		await must(
			db()
				.from('consents')
				.insert({
					supporter_id: data!.id,
					channel: 'email',
					status: 'granted',
					source: '/test',
					wording: 'Yes, send me updates.',
					language: options.language ?? 'en'
				})
		);
	}
	if (options.tag) {
		await withSql((sql) =>
			sql.query(
				`with t as (insert into tags (name) values ($2) on conflict do nothing returning id)
				 insert into supporter_tags (supporter_id, tag_id)
				 select $1, coalesce((select id from t), (select id from tags where lower(name) = lower($2)))`,
				[data!.id, options.tag]
			)
		);
	}
	if (options.optOut) {
		await must(
			db().from('consents').insert({
				supporter_id: data!.id,
				channel: 'email_topic',
				topic: options.optOut,
				status: 'withdrawn',
				source: '/test',
				wording: 'No more of these.',
				language: 'en'
			})
		);
	}
	return data as { id: string; email: string; email_token: string };
}

async function must<T>(query: PromiseLike<{ data: T; error: unknown }>): Promise<T> {
	const { data, error } = await query;
	expect(error).toBeNull();
	return data;
}

async function segment(name: string, filter: object): Promise<string> {
	const row = await must(db().from('segments').insert({ name, filter }).select('id').single());
	return (row as { id: string }).id;
}

const content = {
	a: {
		en: { subject: 'News', preheader: '', body: 'Hello', cta: null },
		fr: { subject: 'Nouvelles', preheader: '', body: 'Bonjour', cta: null }
	}
};

async function broadcast(audience: object, extra: object = {}): Promise<string> {
	const row = await must(
		db()
			.from('broadcasts')
			.insert({ name: `Test ${Date.now()}`, topic: 'results', content, audience, ...extra })
			.select('id')
			.single()
	);
	return (row as { id: string }).id;
}

async function scheduleNow(id: string) {
	const result = await must(
		db().rpc('broadcast_schedule', {
			p_actor: null,
			p_id: id,
			p_local: null,
			p_zone: 'America/Toronto',
			p_rendered: { a: { en: { subject: 'News', preheader: '', html: '<p>Hello</p>' } } },
			p_links: [],
			p_ip: '127.0.0.1'
		})
	);
	expect(result).toMatchObject({ ok: true });
}

async function queuedFor(id: string) {
	return withSql(async (sql) => {
		const { rows } = await sql.query<{ supporter_id: string; status: string; variant: string }>(
			'select supporter_id, status, variant from email_outbox where broadcast_id = $1',
			[id]
		);
		return rows;
	});
}

/** Claims batches until this broadcast has nothing pending; returns rows marked suppressed. */
async function claimAll(id: string) {
	for (let i = 0; i < 20; i += 1) {
		const claim = (await must(
			db().rpc('email_claim_batch', { p_worker: 'test', p_size: 100, p_lease_seconds: 30 })
		)) as { batch: { id: string; rows: { id: number }[] } | null };
		if (claim.batch) {
			await must(
				db().rpc('email_batch_sent', {
					p_batch: claim.batch.id,
					p_worker: 'test',
					p_message_ids: claim.batch.rows.map((row) => `msg-${row.id}`)
				})
			);
		}
		const pending = (await queuedFor(id)).filter((row) => row.status === 'pending');
		if (pending.length === 0) break;
	}
}

beforeEach(async () => {
	// Rows other test files leave pending would be claimed with ours.
	await withSql((sql) =>
		sql.query(`update email_sender_state set paused_until = null;
		           update email_outbox set status = 'suppressed', last_error = 'left by another test file'
		            where status = 'pending'`)
	);
});

describe('broadcast audience', () => {
	it('queues a supporter in two segments once, and only those with consent, not suppressed, not opted out of the topic', async () => {
		const tag1 = `seg-a-${Date.now()}`;
		const tag2 = `seg-b-${Date.now()}`;
		const both = await supporter({ tag: tag1 });
		await withSql((sql) =>
			sql.query(
				`insert into supporter_tags (supporter_id, tag_id) select $1, id from tags where name = $2`,
				[both.id, tag2]
			)
		);
		const onlyB = await supporter({ tag: tag2 });
		const noConsent = await supporter({ tag: tag1, consent: false });
		const suppressed = await supporter({ tag: tag1 });
		await withSql((sql) =>
			sql.query(
				`insert into email_suppressions (email_lower, reason, source) values (lower($1), 'bounced', 'test')`,
				[suppressed.email]
			)
		);
		const optedOut = await supporter({ tag: tag2, optOut: 'results' });
		const otherTopicOptOut = await supporter({ tag: tag2, optOut: 'giving' });

		const segA = await segment(`A ${tag1}`, { tags: [tag1] });
		const segB = await segment(`B ${tag2}`, { tags: [tag2] });
		const audience = { segments: [segA, segB] };

		const count = await must(
			db().rpc('broadcast_audience_count', { p_audience: audience, p_topic: 'results' })
		);
		expect(count).toMatchObject({ eligible: 3, matching: 6 });

		const id = await broadcast(audience);
		await scheduleNow(id);
		expect(await must(db().rpc('broadcast_fire_due'))).toBeGreaterThanOrEqual(1);

		const rows = await queuedFor(id);
		expect(rows.map((row) => row.supporter_id).sort()).toEqual(
			[both.id, onlyB.id, otherTopicOptOut.id].sort()
		);
		expect(rows.map((row) => row.supporter_id)).not.toContain(noConsent.id);
		expect(rows.map((row) => row.supporter_id)).not.toContain(optedOut.id);
		const { data: state } = await db()
			.from('broadcasts')
			.select('status, queued_count')
			.eq('id', id)
			.single();
		expect(state).toEqual({ status: 'sending', queued_count: 3 });
	});

	it('does not email a supporter who unsubscribes, or opts out of the topic, while the send is running', async () => {
		const tag = `during-${Date.now()}`;
		const stays = await supporter({ tag });
		const leaves = await supporter({ tag });
		const leavesTopic = await supporter({ tag });
		const id = await broadcast({ segments: [], filter: { tags: [tag] } });
		await scheduleNow(id);
		await must(db().rpc('broadcast_fire_due'));
		expect(await queuedFor(id)).toHaveLength(3);

		await must(
			db().rpc('email_unsubscribe', {
				p_token: leaves.email_token,
				p_source: 'email:list-unsubscribe-post',
				p_wording_en: 'Unsubscribed by one click.',
				p_wording_fr: 'Désabonné d’un clic.'
			})
		);
		await must(
			db().from('consents').insert({
				supporter_id: leavesTopic.id,
				channel: 'email_topic',
				topic: 'results',
				status: 'withdrawn',
				source: '/preferences',
				wording: 'Not this topic.',
				language: 'en'
			})
		);
		await claimAll(id);

		const byId = Object.fromEntries(
			(await queuedFor(id)).map((row) => [row.supporter_id, row.status])
		);
		expect(byId).toEqual({
			[stays.id]: 'sent',
			[leaves.id]: 'suppressed',
			[leavesTopic.id]: 'suppressed'
		});

		await must(db().rpc('broadcast_finish_done'));
		const { data } = await db().from('broadcasts').select('status').eq('id', id).single();
		expect(data!.status).toBe('sent');
	});
});

describe('scheduling', () => {
	it('fires a due broadcast once when many workers tick at the same moment', async () => {
		const tag = `once-${Date.now()}`;
		for (let i = 0; i < 5; i += 1) await supporter({ tag });
		const id = await broadcast({ segments: [], filter: { tags: [tag] } });
		await scheduleNow(id);

		// Through PostgREST, as app instances call it: each call its own connection.
		const ticks = (await Promise.all(
			Array.from({ length: 8 }, () => must(db().rpc('broadcasts_tick')))
		)) as { fired: number }[];
		const fired = ticks.reduce((sum, tick) => sum + tick.fired, 0);
		expect(fired).toBe(1);
		expect(await queuedFor(id)).toHaveLength(5);
		const { data } = await db().from('broadcasts').select('queued_count').eq('id', id).single();
		expect(data!.queued_count).toBe(5);
	});

	it('does not fire before its time, and a scheduled send can be taken back to draft', async () => {
		const tag = `later-${Date.now()}`;
		await supporter({ tag });
		const id = await broadcast({ segments: [], filter: { tags: [tag] } });
		const result = await must(
			db().rpc('broadcast_schedule', {
				p_actor: null,
				p_id: id,
				p_local: '2099-01-01T09:00',
				p_zone: 'America/Toronto',
				p_rendered: { a: {} },
				p_links: [],
				p_ip: '127.0.0.1'
			})
		);
		// 09:00 in Toronto in winter is 14:00 UTC.
		expect(new Date((result as { scheduled_at: string }).scheduled_at).toISOString()).toBe(
			'2099-01-01T14:00:00.000Z'
		);
		await must(db().rpc('broadcasts_tick'));
		expect(await queuedFor(id)).toHaveLength(0);

		// Its words cannot change while scheduled…
		const edit = await db().from('broadcasts').update({ name: 'x', content: {} }).eq('id', id);
		expect(edit.error?.code).toBe('55000');
		// …until it is unscheduled.
		expect(
			await must(db().rpc('broadcast_unschedule', { p_actor: null, p_id: id, p_ip: 'x' }))
		).toBe(true);
		const { data } = await db()
			.from('broadcasts')
			.select('status, scheduled_at, rendered')
			.eq('id', id)
			.single();
		expect(data).toEqual({ status: 'draft', scheduled_at: null, rendered: null });
	});
});

describe('segments and a scheduled send', () => {
	it('keeps the audience it was scheduled with when a segment is deleted, and the tick goes on', async () => {
		const tag = `frozen-${Date.now()}`;
		const member = await supporter({ tag });
		const seg = await segment(`Frozen ${tag}`, { tags: [tag] });
		const id = await broadcast({ segments: [seg] });
		await scheduleNow(id);
		await must(db().from('segments').delete().eq('id', seg));

		const tick = (await must(db().rpc('broadcasts_tick'))) as { fired: number };
		expect(tick.fired).toBeGreaterThanOrEqual(1);
		expect((await queuedFor(id)).map((row) => row.supporter_id)).toEqual([member.id]);
	});

	it('refuses to schedule when a chosen segment is gone, and a draft counts no one for it', async () => {
		const seg = await segment(`Gone ${Date.now()}`, { tags: ['nobody'] });
		const id = await broadcast({ segments: [seg] });
		await must(db().from('segments').delete().eq('id', seg));
		expect(
			await must(
				db().rpc('broadcast_audience_count', {
					p_audience: { segments: [seg] },
					p_topic: 'results'
				})
			)
		).toMatchObject({ eligible: 0, matching: 0 });
		const result = await must(
			db().rpc('broadcast_schedule', {
				p_actor: null,
				p_id: id,
				p_local: null,
				p_zone: 'America/Toronto',
				p_rendered: { a: {} },
				p_links: [],
				p_ip: '127.0.0.1'
			})
		);
		expect(result).toEqual({ ok: false, reason: 'segment-missing' });
	});
});

describe('pause, resume, stop', () => {
	it('holds what is not yet sent while paused, sends it after resume, and a stop cancels the rest', async () => {
		const tag = `pause-${Date.now()}`;
		for (let i = 0; i < 4; i += 1) await supporter({ tag });
		const id = await broadcast({ segments: [], filter: { tags: [tag] } });
		await scheduleNow(id);
		await must(db().rpc('broadcast_fire_due'));

		expect(await must(db().rpc('broadcast_pause', { p_actor: null, p_id: id, p_ip: 'x' }))).toBe(
			true
		);
		const claim = (await must(
			db().rpc('email_claim_batch', { p_worker: 'test', p_size: 100, p_lease_seconds: 30 })
		)) as { batch: unknown };
		expect(claim.batch).toBeNull();
		expect(await must(db().rpc('broadcast_progress', { p_id: id }))).toEqual({ held: 4 });

		expect(await must(db().rpc('broadcast_resume', { p_actor: null, p_id: id, p_ip: 'x' }))).toBe(
			true
		);
		expect(await must(db().rpc('broadcast_progress', { p_id: id }))).toEqual({ pending: 4 });

		expect(await must(db().rpc('broadcast_stop', { p_actor: null, p_id: id, p_ip: 'x' }))).toBe(
			true
		);
		expect(await must(db().rpc('broadcast_progress', { p_id: id }))).toEqual({ cancelled: 4 });
		const { data } = await db().from('broadcasts').select('status').eq('id', id).single();
		expect(data!.status).toBe('cancelled');
	});
});

describe('A/B test', () => {
	it('sends a sample split between two variants, then the winner by opens to everyone else', async () => {
		const tag = `ab-${Date.now()}`;
		for (let i = 0; i < 40; i += 1) await supporter({ tag });
		const id = await broadcast(
			{ segments: [], filter: { tags: [tag] } },
			{ ab: { test: 'subject', sample_percent: 50, metric: 'opens', decide_after_minutes: 15 } }
		);
		await scheduleNow(id);
		await must(db().rpc('broadcast_fire_due'));
		const sample = await queuedFor(id);
		expect(sample.length).toBeGreaterThan(5);
		expect(sample.length).toBeLessThan(35);
		expect(new Set(sample.map((row) => row.variant))).toEqual(new Set(['a', 'b']));

		await claimAll(id);
		// Only variant b's readers open it.
		await withSql((sql) =>
			sql.query(
				`insert into email_events (svix_id, type, outbox_id, provider_message_id, payload)
				 select 'open-' || o.id, 'email.opened', o.id, o.provider_message_id, '{}'
				 from email_outbox o where o.broadcast_id = $1 and o.variant = 'b'`,
				[id]
			)
		);
		// Not yet due: nothing decided.
		expect(await must(db().rpc('broadcast_ab_decide_due'))).toBe(0);
		await withSql((sql) =>
			sql.query(`update broadcasts set started_at = now() - interval '16 minutes' where id = $1`, [
				id
			])
		);
		expect(await must(db().rpc('broadcast_ab_decide_due'))).toBe(1);

		const all = await queuedFor(id);
		expect(all).toHaveLength(40);
		const rest = all.filter((row) => row.status === 'pending');
		expect(rest.length).toBe(40 - sample.length);
		expect(new Set(rest.map((row) => row.variant))).toEqual(new Set(['b']));
		const { data } = await db()
			.from('broadcasts')
			.select('status, ab_winner')
			.eq('id', id)
			.single();
		expect(data).toEqual({ status: 'sending', ab_winner: 'b' });
	});
});
