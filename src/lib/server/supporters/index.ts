import { DatabaseError, must, serviceDb } from '../db.ts';

// Supporters: one per email address (any letter case). What staff find and read.

export interface SupporterListItem {
	id: string;
	email: string;
	first_name: string | null;
	last_name: string | null;
	language: 'en' | 'fr';
	province: string | null;
	created_at: string;
}

export const SEARCH_PAGE_SIZE = 50;

/**
 * Supporters whose email or name starts with `query` (any case), newest first,
 * 50 at a time; `after` is the last one shown (keyset, never OFFSET).
 */
export async function search(
	query: string,
	after?: { created_at: string; id: string }
): Promise<SupporterListItem[]> {
	return must(
		await serviceDb().rpc('supporter_search', {
			p_query: query,
			p_limit: SEARCH_PAGE_SIZE,
			p_before_created_at: after?.created_at ?? null,
			p_before_id: after?.id ?? null
		})
	) as SupporterListItem[];
}

export interface ConsentRecord {
	id: number;
	channel: string;
	status: 'granted' | 'withdrawn';
	kind: 'express' | 'implied';
	source: string;
	wording: string;
	language: string;
	expires_at: string | null;
	recorded_at: string;
}

export type TimelineEntry =
	| { at: string; type: 'consent'; consent: ConsentRecord }
	| { at: string; type: 'note'; body: string; by: string | null }
	| { at: string; type: 'email'; template: string; status: string; events: string[] };

export interface SupporterRecord extends SupporterListItem {
	postal_code: string | null;
	updated_at: string;
	consents: ConsentRecord[];
	timeline: TimelineEntry[];
}

/** A supporter with every consent they gave or withdrew (the words, when, where) and what happened to them. */
export async function read(id: string): Promise<SupporterRecord | null> {
	const db = serviceDb();
	const [supporter, consents, emails, notes] = await Promise.all([
		db
			.from('supporters')
			.select(
				'id, email, first_name, last_name, language, province, postal_code, created_at, updated_at'
			)
			.eq('id', id)
			.maybeSingle(),
		db
			.from('consents')
			.select('id, channel, status, kind, source, wording, language, expires_at, recorded_at')
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
			.order('created_at', { ascending: false })
	]);
	const record = must(supporter) as Omit<SupporterRecord, 'consents' | 'timeline'> | null;
	if (!record) return null;
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
			at: consent.recorded_at,
			type: 'consent' as const,
			consent
		})),
		...emailRows.map((email) => ({
			at: email.created_at,
			type: 'email' as const,
			template: email.template,
			status: email.status,
			events: email.email_events.map((event) => event.type)
		}))
	].sort((a, b) => b.at.localeCompare(a.at));
	return { ...record, consents: consentRows, timeline };
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
