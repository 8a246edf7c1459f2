import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { hashToken } from '../auth/tokens.ts';
import { must, serviceDb } from '../db.ts';
import type { Language } from './types.ts';

// The supporters' preference centre (/preferences/<email token>): no password, the
// link in every broadcast is the key. Topics, language, unsubscribe from all, and
// subscribe again; every change is a row of the consent ledger with where it was
// made and the words shown (supabase/migrations/*_email_topics.sql).

/** Where ledger rows made here say they came from (never the token: it is a key). */
export const SOURCE = '/preferences';
/** Saves allowed per link, and per IP address, in an hour. */
export const PER_TOKEN = 20;
export const PER_IP = 100;
const WINDOW_SECONDS = 60 * 60;

/** A consent ledger row as the preference centre shows it. */
export interface LedgerRow {
	recorded_at: string;
	given_at: string | null;
	channel: 'email' | 'email_topic';
	topic: string | null;
	status: 'granted' | 'withdrawn';
	kind: 'express' | 'implied';
	source: string;
	wording: string;
	language: Language;
	expires_at: string | null;
}

export interface Preferences {
	supporter_id: string;
	email: string;
	language: Language;
	/** The ledger's last word on email: null when never asked. */
	consent: 'granted' | 'withdrawn' | null;
	/** Granted and not lapsed: they get our broadcasts. */
	subscribed: boolean;
	topics: { key: string; subscribed: boolean }[];
	/** The last 50 email and topic consents, newest first. */
	ledger: LedgerRow[];
}

/** Email link tokens are hex (see migration 0003); anything else is unknown. */
export function isToken(token: string): boolean {
	return /^[a-f0-9]{32,128}$/.test(token);
}

/** The supporter's preferences, by their email link's token (or a merged record's). Null when unknown. */
export async function get(token: string): Promise<Preferences | null> {
	if (!isToken(token)) return null;
	return must(
		await serviceDb().rpc('email_preferences_get', { p_token: token })
	) as Preferences | null;
}

export type SaveResult =
	{ ok: true; preferences: Preferences } | { ok: false; reason: 'unknown' | 'rate-limited' };

/**
 * Saves choices from the preference centre in one transaction: each topic newly
 * wanted or no longer wanted, a new subscription (express consent) or unsubscribing
 * from everything, is one ledger row with its source and the words shown in
 * `pageLanguage`; nothing that did not change is recorded. `language` and
 * `topics` left out (null) stay as they are; `subscribe` null leaves consent as is.
 * Unknown topic keys are ignored. Limited per link and per IP address.
 */
export async function save(options: {
	token: string;
	ip: string;
	/** The language of the page the choices were made on: the words recorded are in it. */
	pageLanguage: Language;
	language: Language | null;
	topics: string[] | null;
	subscribe: boolean | null;
}): Promise<SaveResult> {
	if (!isToken(options.token)) return { ok: false, reason: 'unknown' };
	const [byToken, byIp] = await Promise.all([
		take(`preferences:token:${hashToken(options.token)}`, PER_TOKEN),
		take(`preferences:ip:${options.ip}`, PER_IP)
	]);
	if (!byToken || !byIp) return { ok: false, reason: 'rate-limited' };
	const db = serviceDb();
	const topicKeys = must(await db.from('email_topics').select('key')) as { key: string }[];
	const preferences = must(
		await db.rpc('email_preferences_save', {
			p_token: options.token,
			p_language: options.language,
			p_topics:
				options.topics?.filter((key) => topicKeys.some((topic) => topic.key === key)) ?? null,
			p_subscribe: options.subscribe,
			p_source: SOURCE,
			p_wordings: wordings(
				topicKeys.map((topic) => topic.key),
				options.pageLanguage
			),
			p_wording_language: options.pageLanguage
		})
	) as Preferences | null;
	return preferences ? { ok: true, preferences } : { ok: false, reason: 'unknown' };
}

async function take(key: string, limit: number): Promise<boolean> {
	return must(
		await serviceDb().rpc('rate_limit_take', {
			p_key: key,
			p_limit: limit,
			p_window_seconds: WINDOW_SECONDS
		})
	) as boolean;
}

/** The words of each change the page can make, as the ledger keeps them. */
export function wordings(topics: string[], locale: Language): Record<string, string> {
	const words: Record<string, string> = {
		subscribe: m.preferences_subscribe_wording({ name: CHARITY_NAME }, { locale }),
		unsubscribe: m.preferences_wording_unsubscribe({}, { locale })
	};
	for (const key of topics) {
		const topic = { topic: topicName(key, locale), description: topicDescription(key, locale) };
		words[`topic_in:${key}`] = m.preferences_wording_topic_in(topic, { locale });
		words[`topic_out:${key}`] = m.preferences_wording_topic_out(topic, { locale });
	}
	return words;
}

const TOPIC_NAMES: Record<string, (inputs: object, options: { locale: Language }) => string> = {
	results: m.email_topic_results,
	campaigns: m.email_topic_campaigns,
	giving: m.email_topic_giving
};
const TOPIC_DESCRIPTIONS: typeof TOPIC_NAMES = {
	results: m.email_topic_results_description,
	campaigns: m.email_topic_campaigns_description,
	giving: m.email_topic_giving_description
};

/** A topic's name in a language (its key, for a topic added without messages). */
export function topicName(key: string, locale: Language): string {
	return Object.hasOwn(TOPIC_NAMES, key) ? TOPIC_NAMES[key]({}, { locale }) : key;
}

/** A topic's one-line description in a language ('' when it has none). */
export function topicDescription(key: string, locale: Language): string {
	return Object.hasOwn(TOPIC_DESCRIPTIONS, key) ? TOPIC_DESCRIPTIONS[key]({}, { locale }) : '';
}

/**
 * An address as the page shows it, enough for its owner to recognise: the first
 * character and the domain ("j•••@example.org"). The link may be forwarded; the
 * page should not hand the whole address to whoever holds it.
 */
export function maskEmail(email: string): string {
	const at = email.lastIndexOf('@');
	if (at <= 0) return '•••';
	const [first] = Array.from(email.slice(0, at));
	return `${first}•••${email.slice(at)}`;
}

/** What a ledger row did, in words (the page's "What" column). */
export function describeChange(row: LedgerRow, locale: Language): string {
	if (row.channel === 'email_topic') {
		const topic = topicName(row.topic ?? '', locale);
		return row.status === 'granted'
			? m.preferences_what_topic_in({ topic }, { locale })
			: m.preferences_what_topic_out({ topic }, { locale });
	}
	if (row.status === 'withdrawn') return m.preferences_what_unsubscribed({}, { locale });
	if (row.kind === 'implied' && row.expires_at) {
		const date = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', {
			dateStyle: 'long',
			timeZone: 'UTC'
		}).format(new Date(row.expires_at));
		return m.preferences_what_subscribed_implied({ date }, { locale });
	}
	return m.preferences_what_subscribed({}, { locale });
}

/**
 * Where a ledger row was made, in words: the codes of email links and imports
 * named, a page address as it is (a supporter recognises "/petitions/clean-water").
 * An import's file name is staff's business, not shown.
 */
export function describeSource(source: string, locale: Language): string {
	if (source === SOURCE) return m.preferences_where_page({}, { locale });
	if (source === 'email:unsubscribe-page')
		return m.preferences_where_unsubscribe_link({}, { locale });
	if (source === 'email:list-unsubscribe-post')
		return m.preferences_where_one_click({}, { locale });
	if (source === 'email:repermission') return m.preferences_where_repermission({}, { locale });
	if (source.startsWith('import:')) return m.preferences_where_import({}, { locale });
	return source;
}
