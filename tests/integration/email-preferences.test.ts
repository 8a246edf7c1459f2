import { beforeAll, describe, expect, it } from 'vitest';
import {
	anonClient,
	serviceClient,
	uniqueEmail,
	useStackForServerCode,
	withSql
} from './helpers.ts';

// The preference centre's domain module (src/lib/server/email/preferences.ts) on the
// real stack: what a supporter's choices record in the consent ledger (only what
// changed, with the words and where), their language, unsubscribing from all and
// subscribing again, merged records, the privacy export, rate limits, and what the
// public (anon) key cannot reach.

let preferences: typeof import('../../src/lib/server/email/preferences.ts');

beforeAll(async () => {
	await useStackForServerCode();
	preferences = await import('../../src/lib/server/email/preferences.ts');
});

const sql = <Row = Record<string, unknown>>(text: string, params: unknown[] = []) =>
	withSql(async (client) => (await client.query(text, params)).rows as Row[]);

interface Supporter {
	id: string;
	email: string;
	token: string;
}

/** A supporter who ticked "email me" on a petition (express consent). */
async function subscriber(language: 'en' | 'fr' = 'en'): Promise<Supporter> {
	const email = uniqueEmail('Prefs');
	const [row] = await sql<{ id: string; email_token: string }>(
		`insert into supporters (email, language) values ($1, $2) returning id, email_token`,
		[email, language]
	);
	await sql(
		`insert into consents (supporter_id, channel, status, kind, source, wording, language)
		 values ($1, 'email', 'granted', 'express', '/petitions/clean-water/thanks', 'Yes, email me.', $2)`,
		[row.id, language]
	);
	return { id: row.id, email, token: row.email_token };
}

let ipCounter = 0;
/** Each test saves from its own address, so per-IP limits stay apart. */
const newIp = () => `198.51.100.${(ipCounter += 1)}`;

async function save(
	who: Supporter,
	choices: Partial<{
		language: 'en' | 'fr' | null;
		topics: string[] | null;
		subscribe: boolean | null;
		pageLanguage: 'en' | 'fr';
		ip: string;
	}>
) {
	const result = await preferences.save({
		token: who.token,
		ip: choices.ip ?? newIp(),
		pageLanguage: choices.pageLanguage ?? 'en',
		language: choices.language ?? null,
		topics: choices.topics ?? null,
		subscribe: choices.subscribe ?? null
	});
	expect(result.ok, JSON.stringify(result)).toBe(true);
	return (
		result as {
			ok: true;
			preferences: import('../../src/lib/server/email/preferences.ts').Preferences;
		}
	).preferences;
}

const ledgerOf = (id: string) =>
	sql<{
		channel: string;
		topic: string | null;
		status: string;
		source: string;
		wording: string;
		language: string;
	}>(
		`select channel, topic, status, source, wording, language from consents where supporter_id = $1 order by id`,
		[id]
	);
const optoutsOf = async (id: string) =>
	(
		await sql<{ topic: string }>(
			'select topic from supporter_topic_optouts where supporter_id = $1 order by topic',
			[id]
		)
	).map((row) => row.topic);
const stateOf = async (id: string) =>
	(
		await sql<{ language: string; email_consent: string | null }>(
			'select language, email_consent from supporters where id = $1',
			[id]
		)
	)[0];

const ALL = ['results', 'campaigns', 'giving'];

describe('the preference centre', () => {
	it('shows a new supporter every topic, subscribed, with their consent so far', async () => {
		const who = await subscriber('fr');
		const shown = await preferences.get(who.token);
		expect(shown).toMatchObject({
			supporter_id: who.id,
			email: who.email,
			language: 'fr',
			consent: 'granted',
			subscribed: true,
			topics: ALL.map((key) => ({ key, subscribed: true }))
		});
		expect(shown!.ledger).toEqual([
			expect.objectContaining({
				channel: 'email',
				status: 'granted',
				source: '/petitions/clean-water/thanks',
				wording: 'Yes, email me.'
			})
		]);
	});

	it('records a topic opted out of, and back in, in the ledger with the words shown and where', async () => {
		const who = await subscriber();
		const after = await save(who, { language: 'en', topics: ['results', 'giving'] });
		expect(after.topics).toEqual([
			{ key: 'results', subscribed: true },
			{ key: 'campaigns', subscribed: false },
			{ key: 'giving', subscribed: true }
		]);
		expect(await optoutsOf(who.id)).toEqual(['campaigns']);
		expect((await ledgerOf(who.id)).slice(1)).toEqual([
			{
				channel: 'email_topic',
				topic: 'campaigns',
				status: 'withdrawn',
				source: '/preferences',
				wording:
					'Unticked “Campaigns and petitions: New petitions, campaign news, and what happened when they were delivered.” in my email preferences.',
				language: 'en'
			}
		]);
		// A topic choice is not an email consent: they are still subscribed.
		expect((await stateOf(who.id)).email_consent).toBe('granted');
		expect(after.subscribed).toBe(true);
		expect(after.ledger[0]).toMatchObject({ channel: 'email_topic', topic: 'campaigns' });

		const back = await save(who, { language: 'en', topics: ALL, pageLanguage: 'fr' });
		expect(back.topics.every((topic) => topic.subscribed)).toBe(true);
		expect(await optoutsOf(who.id)).toEqual([]);
		expect((await ledgerOf(who.id)).at(-1)).toEqual({
			channel: 'email_topic',
			topic: 'campaigns',
			status: 'granted',
			source: '/preferences',
			wording:
				'J’ai coché « Campagnes et pétitions : Nouvelles pétitions, nouvelles des campagnes, et ce qui s’est passé à leur remise. » dans mes préférences de courriel.',
			language: 'fr'
		});
	});

	it('records only what changed: saving the same choices again records nothing', async () => {
		const who = await subscriber();
		await save(who, { language: 'en', topics: ['results'] });
		const before = (await ledgerOf(who.id)).length;
		expect(before).toBe(3);
		await save(who, { language: 'en', topics: ['results'] });
		await save(who, { language: 'en', topics: ['results'], subscribe: true });
		expect(await ledgerOf(who.id)).toHaveLength(before);

		await save(who, { language: 'en', topics: ['results', 'giving'] });
		const ledger = await ledgerOf(who.id);
		expect(ledger).toHaveLength(before + 1);
		expect(ledger.at(-1)).toMatchObject({ topic: 'giving', status: 'granted' });
	});

	it('records a change once when the same choices are saved at the same moment', async () => {
		const who = await subscriber();
		await Promise.all(
			Array.from({ length: 5 }, () =>
				save(who, { topics: ['results', 'giving'], subscribe: false })
			)
		);
		const ledger = await ledgerOf(who.id);
		expect(ledger.slice(1).map((row) => [row.channel, row.topic, row.status])).toEqual([
			['email_topic', 'campaigns', 'withdrawn'],
			['email', null, 'withdrawn']
		]);
	});

	it('changes their language without a consent row, and leaves topics alone when not given', async () => {
		const who = await subscriber('en');
		await save(who, { topics: ['results'] });
		const rows = (await ledgerOf(who.id)).length;
		const after = await save(who, { language: 'fr' });
		expect(after.language).toBe('fr');
		expect((await stateOf(who.id)).language).toBe('fr');
		expect(await ledgerOf(who.id)).toHaveLength(rows);
		expect(await optoutsOf(who.id)).toEqual(['campaigns', 'giving']);
	});

	it('unsubscribes from everything, then subscribes again with express consent in the words shown', async () => {
		const who = await subscriber('fr');
		await save(who, { topics: ['giving'] });
		const gone = await save(who, { subscribe: false, pageLanguage: 'fr' });
		expect(gone).toMatchObject({ subscribed: false, consent: 'withdrawn' });
		expect((await stateOf(who.id)).email_consent).toBe('withdrawn');
		expect((await ledgerOf(who.id)).at(-1)).toEqual({
			channel: 'email',
			topic: null,
			status: 'withdrawn',
			source: '/preferences',
			wording: 'Désabonnement de tous les courriels dans mes préférences de courriel.',
			language: 'fr'
		});
		// Twice is once.
		const rows = (await ledgerOf(who.id)).length;
		await save(who, { subscribe: false });
		expect(await ledgerOf(who.id)).toHaveLength(rows);

		const back = await save(who, { subscribe: true, pageLanguage: 'fr' });
		expect(back).toMatchObject({ subscribed: true, consent: 'granted' });
		const [{ kind, wording, status }] = await sql<{
			kind: string;
			wording: string;
			status: string;
		}>(
			`select kind, wording, status from consents where supporter_id = $1 order by id desc limit 1`,
			[who.id]
		);
		expect({ kind, status }).toEqual({ kind: 'express', status: 'granted' });
		expect(wording).toMatch(
			/^Oui, envoyez-moi par courriel les nouvelles de .+ sur les sujets que j’ai choisis\. Je peux me désabonner en tout temps\.$/
		);
		expect((await stateOf(who.id)).email_consent).toBe('granted');
		// Their topics were kept through it all.
		expect(back.topics.filter((topic) => topic.subscribed).map((topic) => topic.key)).toEqual([
			'giving'
		]);
	});

	it('lets someone whose implied consent lapsed subscribe again', async () => {
		const [row] = await sql<{ id: string; email_token: string }>(
			`insert into supporters (email) values ($1) returning id, email_token`,
			[uniqueEmail('Lapsed')]
		);
		await sql(
			`insert into consents (supporter_id, channel, status, kind, source, wording, language, given_at, expires_at)
			 values ($1, 'email', 'granted', 'implied', '/donate', 'Gift.', 'en', now() - interval '800 days', now() - interval '70 days')`,
			[row.id]
		);
		const who = { id: row.id, email: '', token: row.email_token };
		expect(await preferences.get(who.token)).toMatchObject({
			consent: 'granted',
			subscribed: false
		});
		const back = await save(who, { subscribe: true });
		expect(back.subscribed).toBe(true);
	});

	it('shows the newest 50 ledger rows, newest first', async () => {
		const who = await subscriber();
		await sql(
			`insert into consents (supporter_id, channel, topic, status, kind, source, wording, language, recorded_at)
			 select $1, 'email_topic', 'results', case when n % 2 = 0 then 'withdrawn' else 'granted' end,
			   'express', '/preferences', 'Choice ' || n, 'en', now() + n * interval '1 second'
			 from generate_series(1, 60) n`,
			[who.id]
		);
		const shown = (await preferences.get(who.token))!;
		expect(shown.ledger).toHaveLength(50);
		expect(shown.ledger[0].wording).toBe('Choice 60');
		expect(shown.ledger.at(-1)!.wording).toBe('Choice 11');
		// The latest row (the 60th) opts out: the topic is off.
		expect(shown.topics[0]).toEqual({ key: 'results', subscribed: false });
	});

	it('answers nothing for an unknown or malformed link', async () => {
		expect(await preferences.get('f'.repeat(64))).toBeNull();
		expect(await preferences.get('not a token')).toBeNull();
		expect(
			await preferences.save({
				token: 'e'.repeat(64),
				ip: newIp(),
				pageLanguage: 'en',
				language: 'fr',
				topics: [],
				subscribe: false
			})
		).toEqual({ ok: false, reason: 'unknown' });
	});

	it('ignores topics that do not exist', async () => {
		const who = await subscriber();
		const after = await save(who, { topics: ['results', 'campaigns', 'giving', 'nonsense'] });
		expect(after.topics.map((topic) => topic.key)).toEqual(ALL);
		expect(await ledgerOf(who.id)).toHaveLength(1);
	});

	it('limits saves per link and per IP address', async () => {
		const who = await subscriber();
		const ip = newIp();
		for (let i = 0; i < preferences.PER_TOKEN; i += 1) {
			await save(who, { topics: ALL, ip: newIp() });
		}
		expect(
			await preferences.save({
				token: who.token,
				ip,
				pageLanguage: 'en',
				language: null,
				topics: [],
				subscribe: null
			})
		).toEqual({ ok: false, reason: 'rate-limited' });
		expect(await optoutsOf(who.id)).toEqual([]);

		const shared = newIp();
		for (let i = 0; i < preferences.PER_IP; i += 1) {
			await preferences.save({
				token: 'd'.repeat(64),
				ip: shared,
				pageLanguage: 'en',
				language: null,
				topics: null,
				subscribe: null
			});
		}
		const other = await subscriber();
		expect(
			await preferences.save({
				token: other.token,
				ip: shared,
				pageLanguage: 'en',
				language: null,
				topics: [],
				subscribe: null
			})
		).toEqual({ ok: false, reason: 'rate-limited' });
	});
});

describe('merged records', () => {
	async function merge(survivor: Supporter, duplicate: Supporter) {
		const { error } = await serviceClient().rpc('supporter_merge', {
			p_actor: null,
			p_survivor: survivor.id,
			p_duplicate: duplicate.id,
			p_ip: null
		});
		expect(error).toBeNull();
	}

	it('leads a merged record’s link to the survivor, who keeps the opt-outs of both', async () => {
		const survivor = await subscriber();
		const duplicate = await subscriber();
		await save(survivor, { topics: ['giving'] }); // out of results and campaigns
		await save(duplicate, { topics: ['results'] }); // out of campaigns and giving
		await merge(survivor, duplicate);

		expect(await optoutsOf(survivor.id)).toEqual(['campaigns', 'giving', 'results']);
		expect(await optoutsOf(duplicate.id)).toEqual([]);
		const shown = await preferences.get(duplicate.token);
		expect(shown).toMatchObject({
			supporter_id: survivor.id,
			email: survivor.email,
			topics: ALL.map((key) => ({ key, subscribed: false }))
		});
		// Both records' choices are in the survivor's history.
		expect(shown!.ledger.filter((row) => row.channel === 'email_topic')).toHaveLength(4);

		// Saving through the old link changes the survivor.
		await save(duplicate, { topics: ['results'] });
		expect(await optoutsOf(survivor.id)).toEqual(['campaigns', 'giving']);
	});

	it('still refuses to merge a supporter with themselves, their opt-outs untouched', async () => {
		const person = await subscriber();
		await save(person, { topics: [] });
		const { error } = await serviceClient().rpc('supporter_merge', {
			p_actor: null,
			p_survivor: person.id,
			p_duplicate: person.id,
			p_ip: null
		});
		expect(error?.message).toBe('same_supporter');
		expect(await optoutsOf(person.id)).toEqual(['campaigns', 'giving', 'results']);
	});
});

describe('privacy', () => {
	it('gives the topic opt-outs, and which topic each topic choice was about, in a data export', async () => {
		const who = await subscriber();
		await save(who, { topics: ['results', 'campaigns'] });
		const { data, error } = await serviceClient().rpc('privacy_export', { p_supporter: who.id });
		expect(error).toBeNull();
		expect(data.email_topic_optouts).toEqual([{ topic: 'giving', since: expect.any(String) }]);
		expect(data.consents).toEqual([
			expect.objectContaining({ channel: 'email', topic: null, status: 'granted' }),
			expect.objectContaining({ channel: 'email_topic', topic: 'giving', status: 'withdrawn' })
		]);
		// What the export had before is still there.
		expect(data.supporter).toMatchObject({ id: who.id, email: who.email });
		expect(data).toHaveProperty('giving_links');
		expect(data).toHaveProperty('receipts');
	});

	it('leaves an erased person’s link unknown', async () => {
		const who = await subscriber();
		const { error } = await serviceClient().rpc('privacy_erase_supporter', {
			p_supporter: who.id,
			p_wording_en: 'Erased.',
			p_wording_fr: 'Effacé.'
		});
		expect(error).toBeNull();
		expect(await preferences.get(who.token)).toBeNull();
	});
});

describe('the ledger’s rules', () => {
	it('refuses a topic row without a topic, and an email row with one', async () => {
		const who = await subscriber();
		await expect(
			sql(
				`insert into consents (supporter_id, channel, status, kind, source, wording, language)
				 values ($1, 'email_topic', 'withdrawn', 'express', '/x', 'x', 'en')`,
				[who.id]
			)
		).rejects.toThrow(/consents_topic_channel/);
		await expect(
			sql(
				`insert into consents (supporter_id, channel, topic, status, kind, source, wording, language)
				 values ($1, 'email', 'results', 'withdrawn', 'express', '/x', 'x', 'en')`,
				[who.id]
			)
		).rejects.toThrow(/consents_topic_channel/);
	});

	it('keeps opt-outs from a batch of topic rows by the latest row of each topic', async () => {
		const who = await subscriber();
		await sql(
			`insert into consents (supporter_id, channel, topic, status, kind, source, wording, language)
			 values ($1, 'email_topic', 'results', 'withdrawn', 'express', '/x', 'out', 'en'),
			        ($1, 'email_topic', 'results', 'granted', 'express', '/x', 'in', 'en'),
			        ($1, 'email_topic', 'giving', 'granted', 'express', '/x', 'in', 'en'),
			        ($1, 'email_topic', 'giving', 'withdrawn', 'express', '/x', 'out', 'en')`,
			[who.id]
		);
		expect(await optoutsOf(who.id)).toEqual(['giving']);
		expect((await stateOf(who.id)).email_consent).toBe('granted');
	});
});

describe('what the public key can reach', () => {
	it('cannot read the topics or anyone’s opt-outs, nor call the preference functions', async () => {
		const who = await subscriber();
		await save(who, { topics: [] });
		const anon = anonClient();
		for (const table of ['email_topics', 'supporter_topic_optouts']) {
			const { data, error } = await anon.from(table).select('*');
			expect(error !== null || (data ?? []).length === 0, table).toBe(true);
		}
		const read = await anon.rpc('email_preferences_get', { p_token: who.token });
		expect(read.error).not.toBeNull();
		expect(read.data).toBeNull();
		const write = await anon.rpc('email_preferences_save', {
			p_token: who.token,
			p_language: 'fr',
			p_topics: ['results'],
			p_subscribe: false,
			p_source: '/x',
			p_wordings: { unsubscribe: 'x', 'topic_in:results': 'x' }
		});
		expect(write.error).not.toBeNull();
		expect((await stateOf(who.id)).email_consent).toBe('granted');
	});
});
