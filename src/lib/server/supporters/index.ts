import type { SupporterFilter } from '#lib/schemas/supporter-filter.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';

// Supporters: one per email address (any letter case). What staff find and read.

export interface SupporterListItem {
	id: string;
	email: string;
	first_name: string | null;
	last_name: string | null;
	language: 'en' | 'fr';
	postal_code: string | null;
	province: string | null;
	created_at: string;
	last_activity_at: string;
	email_consent: 'granted' | 'withdrawn' | null;
	email_consent_expires_at: string | null;
	tags: string[];
}

export const SEARCH_PAGE_SIZE = 50;

/**
 * Supporters a filter matches (see $lib/schemas/supporter-filter.ts), newest
 * first, `limit` at a time; `after` is the last one shown (keyset, never OFFSET).
 */
export async function find(
	filter: SupporterFilter,
	after?: { created_at: string; id: string },
	limit = SEARCH_PAGE_SIZE
): Promise<SupporterListItem[]> {
	return must(
		await serviceDb().rpc('supporter_find', {
			p_filter: filter,
			p_limit: limit,
			p_before_created_at: after?.created_at ?? null,
			p_before_id: after?.id ?? null
		})
	) as SupporterListItem[];
}

/** How many supporters a filter matches. */
export async function count(filter: SupporterFilter): Promise<number> {
	return Number(must(await serviceDb().rpc('supporter_count', { p_filter: filter })));
}

export interface ConsentRecord {
	id: number;
	channel: string;
	/** For channel 'email_topic': the topic chosen or dropped in the preference centre. */
	topic: string | null;
	status: 'granted' | 'withdrawn';
	kind: 'express' | 'implied';
	source: string;
	wording: string;
	language: string;
	expires_at: string | null;
	given_at: string | null;
	recorded_at: string;
}

export type TimelineEntry =
	| { at: string; type: 'consent'; consent: ConsentRecord }
	| { at: string; type: 'note'; body: string; by: string | null }
	| { at: string; type: 'email'; template: string; status: string; events: string[] }
	| { at: string; type: 'signed'; petition: string }
	| { at: string; type: 'merged'; email: string; by: string | null }
	| {
			at: string;
			type: 'gave';
			amount_cents: number;
			currency: string;
			frequency: 'one_time' | 'monthly';
			status: string;
			test: boolean;
	  };

export interface SupporterRecord extends SupporterListItem {
	updated_at: string;
	erased_at: string | null;
	consents: ConsentRecord[];
	timeline: TimelineEntry[];
}

/** A supporter with every consent they gave or withdrew (the words, when, where) and what happened to them. */
export async function read(id: string): Promise<SupporterRecord | null> {
	const db = serviceDb();
	const [supporter, consents, emails, notes, signatures, gifts, merges] = await Promise.all([
		db
			.from('supporters')
			.select(
				'id, email, first_name, last_name, language, province, postal_code, created_at, updated_at,' +
					' last_activity_at, email_consent, email_consent_expires_at, erased_at, supporter_tags(tags(name))'
			)
			.eq('id', id)
			.maybeSingle(),
		db
			.from('consents')
			.select(
				'id, channel, topic, status, kind, source, wording, language, expires_at, given_at, recorded_at'
			)
			.eq('supporter_id', id)
			.order('recorded_at', { ascending: false }),
		db
			.from('email_outbox')
			.select('template, status, created_at, email_events(type)')
			.eq('supporter_id', id)
			.order('created_at', { ascending: false })
			.limit(200),
		db
			.from('supporter_notes')
			.select('body, created_at, staff(email)')
			.eq('supporter_id', id)
			.order('created_at', { ascending: false }),
		db
			.from('petition_signatures')
			.select('signed_at, petitions(title)')
			.eq('supporter_id', id)
			.order('signed_at', { ascending: false }),
		db
			.from('gifts')
			.select('amount_cents, currency, frequency, status, test, received_at')
			.eq('supporter_id', id)
			.order('received_at', { ascending: false }),
		db
			.from('supporter_merges')
			.select('merged_at, merged_row->>email, staff(email)')
			.eq('survivor_id', id)
	]);
	const row = must(supporter) as
		| (Omit<SupporterRecord, 'consents' | 'timeline' | 'tags'> & {
				supporter_tags: { tags: { name: string } }[];
		  })
		| null;
	if (!row) return null;
	const { supporter_tags, ...record } = row;
	const tags = supporter_tags.map((tagged) => tagged.tags.name).sort((a, b) => a.localeCompare(b));
	const signatureRows = must(signatures) as unknown as {
		signed_at: string;
		petitions: { title: string };
	}[];
	const giftRows = must(gifts) as {
		amount_cents: number;
		currency: string;
		frequency: 'one_time' | 'monthly';
		status: string;
		test: boolean;
		received_at: string;
	}[];
	const consentRows = must(consents) as ConsentRecord[];
	const emailRows = must(emails) as {
		template: string;
		status: string;
		created_at: string;
		email_events: { type: string }[];
	}[];
	const noteRows = must(notes) as unknown as {
		body: string;
		created_at: string;
		staff: { email: string } | null;
	}[];
	const timeline: TimelineEntry[] = [
		...noteRows.map((note) => ({
			at: note.created_at,
			type: 'note' as const,
			body: note.body,
			by: note.staff?.email ?? null
		})),
		...consentRows.map((consent) => ({
			at: consent.given_at ?? consent.recorded_at,
			type: 'consent' as const,
			consent
		})),
		...(
			must(merges) as unknown as {
				merged_at: string;
				email: string;
				staff: { email: string } | null;
			}[]
		).map((merge) => ({
			at: merge.merged_at,
			type: 'merged' as const,
			email: merge.email,
			by: merge.staff?.email ?? null
		})),
		...signatureRows.map((signature) => ({
			at: signature.signed_at,
			type: 'signed' as const,
			petition: signature.petitions.title
		})),
		...giftRows.map(({ received_at, ...gift }) => ({
			at: received_at,
			type: 'gave' as const,
			...gift
		})),
		...emailRows.map((email) => ({
			at: email.created_at,
			type: 'email' as const,
			template: email.template,
			status: email.status,
			events: email.email_events.map((event) => event.type)
		}))
	].sort((a, b) => b.at.localeCompare(a.at));
	return { ...record, tags, consents: consentRows, timeline };
}

export interface SupporterDetails {
	email: string;
	first_name: string;
	last_name: string;
	language: 'en' | 'fr';
	postal_code: string;
	province: string;
}

/** Saves a supporter's details; the audit log records what changed and who changed it. */
export async function update(
	actor: { id: string },
	id: string,
	details: SupporterDetails,
	ip: string
): Promise<{ ok: true } | { ok: false; reason: 'email-taken' | 'not-found' }> {
	const { error } = await serviceDb().rpc('supporter_update', {
		p_actor: actor.id,
		p_id: id,
		p_changes: details,
		p_ip: ip
	});
	if (!error) return { ok: true };
	if (error.message === 'email_taken') return { ok: false, reason: 'email-taken' };
	if (error.message === 'not_found') return { ok: false, reason: 'not-found' };
	throw new DatabaseError(error.message, error.code);
}

/** Adds a staff note to a supporter (notes are kept, never edited). */
export async function addNote(actor: { id: string }, id: string, body: string, ip: string) {
	must(
		await serviceDb().rpc('supporter_add_note', {
			p_actor: actor.id,
			p_supporter: id,
			p_body: body,
			p_ip: ip
		})
	);
}

/** Every tag in use, for the filter and the tag fields. */
export async function allTags(): Promise<string[]> {
	const rows = must(await serviceDb().from('tags').select('name').order('name').limit(1000)) as {
		name: string;
	}[];
	return rows.map((row) => row.name);
}

/**
 * Adds or removes a tag on the chosen supporters, or on everyone a filter
 * matches, in one statement; returns how many changed. Audited once.
 */
export async function changeTags(
	actor: { id: string },
	change: { tag: string; add: boolean } & ({ ids: string[] } | { filter: SupporterFilter }),
	ip: string
): Promise<number> {
	return must(
		await serviceDb().rpc('supporter_tags_change', {
			p_actor: actor.id,
			p_tag: change.tag,
			p_add: change.add,
			p_ids: 'ids' in change ? change.ids : null,
			p_filter: 'filter' in change ? change.filter : null,
			p_ip: ip
		})
	) as number;
}
