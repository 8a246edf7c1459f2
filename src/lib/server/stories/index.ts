import { attentionFor } from '#lib/components/admin/stories.ts';
import { todayUtc, type StoryConsent, type StoryNew, type StoryWords } from '#lib/schemas/story.ts';
import { DatabaseError, anonDb, must, serviceDb } from '../db.ts';
import { clearPageCache } from '../http/page-cache.ts';

// Stories of people: the words, the person's consent, and a second staff member's
// review. The rules (who may see a story, when it stops being shown) are in the
// database (supabase/migrations/*_stories.sql); see README.md beside this file.

export type Language = 'en' | 'fr';

/** A story as the public pages show it, in one language. */
export interface PublicStory {
	id: string;
	kind: string;
	quote: string;
	account: string | null;
	attribution: string;
	pseudonym: boolean;
	/** Never set when the person's face must be hidden. */
	photo: { url: string; alt: string } | null;
}

interface PublicRow {
	id: string;
	kind: string;
	quote: string;
	account: string | null;
	attribution: string;
	pseudonym: boolean;
	photo_url: string | null;
	photo_alt: string | null;
}

/**
 * The stories the public may read now, in one language, straight from the
 * database through the anon client: Row Level Security shows only published,
 * second-reviewed stories whose consent covers the web today.
 */
export async function readPublished(language: Language): Promise<PublicStory[]> {
	const rows = must(
		await anonDb()
			.from('stories')
			.select(
				`id, kind, quote:quote_${language}, account:account_${language},` +
					` attribution:attribution_${language}, pseudonym,` +
					` photo_url:public_photo_url, photo_alt:public_photo_alt_${language}`
			)
			.order('sort')
			.order('published_at')
	) as unknown as PublicRow[];
	return rows.map(({ photo_url, photo_alt, ...story }) => ({
		...story,
		photo: photo_url && photo_alt ? { url: photo_url, alt: photo_alt } : null
	}));
}

// /impact is read far more often than stories change. Each app instance keeps the
// stories for CACHE_SECONDS, and never past midnight UTC, when a consent may end;
// a change from the admin clears this instance's copy at once, and other
// instances catch up within CACHE_SECONDS.
const CACHE_SECONDS = 60;
const cache = new Map<Language, { until: number; stories: Promise<PublicStory[]> }>();

function cacheUntil(now: number): number {
	const midnight = new Date(now);
	midnight.setUTCHours(24, 0, 0, 0);
	return Math.min(now + CACHE_SECONDS * 1000, midnight.getTime());
}

/** The stories the public may read now, from this instance's cache when fresh. */
export function published(language: Language): Promise<PublicStory[]> {
	const now = Date.now();
	const cached = cache.get(language);
	if (cached && cached.until > now) return cached.stories;
	const stories = readPublished(language);
	cache.set(language, { until: cacheUntil(now), stories });
	// A failed read is not kept: the next request tries again.
	stories.catch(() => cache.delete(language));
	return stories;
}

/**
 * Called after every change, so this instance shows (or hides) it on the next
 * request: the stories and the rendered pages that show them (/impact).
 */
export function clearCache(): void {
	cache.clear();
	clearPageCache();
}

type Staffed = { email: string; name: string | null } | null;

/** A story as staff see it: everything, with who wrote, edited and reviewed it. */
export interface StoryRecord {
	id: string;
	kind: StoryWords['kind'];
	quote_en: string;
	quote_fr: string;
	account_en: string | null;
	account_fr: string | null;
	attribution_en: string;
	attribution_fr: string;
	pseudonym: boolean;
	hide_face: boolean;
	hide_place: boolean;
	photo_url: string | null;
	photo_alt_en: string | null;
	photo_alt_fr: string | null;
	consent_given_on: string | null;
	consent_given_to: string | null;
	consent_web: boolean;
	consent_email: boolean;
	consent_until: string | null;
	consent_withdrawn_at: string | null;
	consent_note: string | null;
	status: 'draft' | 'in_review' | 'published' | 'unpublished';
	created_by: string | null;
	edited_by: string | null;
	reviewed_by: string | null;
	reviewed_at: string | null;
	review_note: string | null;
	published_at: string | null;
	seeded: boolean;
	created_at: string;
	updated_at: string;
	author: Staffed;
	editor: Staffed;
	reviewer: Staffed;
}

const RECORD_COLUMNS =
	'id, kind, quote_en, quote_fr, account_en, account_fr, attribution_en, attribution_fr,' +
	' pseudonym, hide_face, hide_place, photo_url, photo_alt_en, photo_alt_fr,' +
	' consent_given_on, consent_given_to, consent_web, consent_email, consent_until,' +
	' consent_withdrawn_at, consent_note, status, created_by, edited_by, reviewed_by, reviewed_at,' +
	' review_note, published_at, seeded, created_at, updated_at,' +
	' author:staff!stories_created_by_fkey(email, name), editor:staff!stories_edited_by_fkey(email, name),' +
	' reviewer:staff!stories_reviewed_by_fkey(email, name)';

const STATUS_ORDER: Record<StoryRecord['status'], number> = {
	in_review: 0,
	published: 1,
	draft: 2,
	unpublished: 3
};

/** Every story: waiting for review first, then published, drafts, unpublished; newest first within each. */
export async function list(): Promise<StoryRecord[]> {
	const rows = must(
		await serviceDb()
			.from('stories')
			.select(RECORD_COLUMNS)
			.order('created_at', { ascending: false })
	) as unknown as StoryRecord[];
	return rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

export async function read(id: string): Promise<StoryRecord | null> {
	return must(
		await serviceDb().from('stories').select(RECORD_COLUMNS).eq('id', id).maybeSingle()
	) as unknown as StoryRecord | null;
}

export interface Attention {
	id: string;
	quote_en: string;
	quote_fr: string;
	attribution_en: string;
	attribution_fr: string;
	consent_until: string | null;
	consent_withdrawn_at: string | null;
}

/**
 * For the dashboard: stories that were published and are now hidden because their
 * consent ended or was withdrawn, and published stories whose consent ends soon.
 */
export async function attention(
	today = todayUtc()
): Promise<{ hidden: Attention[]; ending: Attention[] }> {
	const rows = must(
		await serviceDb()
			.from('stories')
			.select(
				'id, status, seeded, quote_en, quote_fr, attribution_en, attribution_fr,' +
					' consent_given_on, consent_until, consent_withdrawn_at, published_at'
			)
			.not('published_at', 'is', null)
			.order('consent_until', { ascending: true, nullsFirst: false })
	) as unknown as (Attention & Parameters<typeof attentionFor>[0])[];
	const pick = ({
		id,
		quote_en,
		quote_fr,
		attribution_en,
		attribution_fr,
		consent_until,
		consent_withdrawn_at
	}: Attention): Attention => ({
		id,
		quote_en,
		quote_fr,
		attribution_en,
		attribution_fr,
		consent_until,
		consent_withdrawn_at
	});
	return {
		hidden: rows.filter((row) => attentionFor(row, today) === 'hidden').map(pick),
		ending: rows.filter((row) => attentionFor(row, today) === 'ending').map(pick)
	};
}

export type Refusal =
	| 'not-found'
	| 'not-allowed'
	| 'own-story'
	| 'wrong-status'
	| 'not-reviewed'
	| 'consent-ended'
	| 'consent-withdrawn'
	| 'no-use';

export type Result<T = object> = ({ ok: true } & T) | { ok: false; reason: Refusal };

const REFUSALS: Record<string, Refusal> = {
	not_found: 'not-found',
	not_allowed: 'not-allowed',
	own_story: 'own-story',
	wrong_status: 'wrong-status',
	not_reviewed: 'not-reviewed',
	consent_ended: 'consent-ended',
	consent_withdrawn: 'consent-withdrawn',
	no_use: 'no-use'
};

/** A refusal the SQL function names, as a result; anything else is thrown. */
function refusal(error: { message: string; code?: string }): { ok: false; reason: Refusal } {
	const reason = REFUSALS[error.message];
	if (!reason) throw new DatabaseError(error.message, error.code);
	return { ok: false, reason };
}

interface Actor {
	id: string;
}

/** A new story, as a draft written by `actor`. Audited (without the words). */
export async function create(
	actor: Actor,
	story: StoryNew,
	ip: string
): Promise<Result<{ id: string }>> {
	const { data, error } = await serviceDb().rpc('story_create', {
		p_actor: actor.id,
		p_story: story,
		p_ip: ip
	});
	if (error) return refusal(error);
	return { ok: true, id: data as string };
}

/**
 * Changes the words or how the person is shown. Any change takes the story off
 * every page and back to a draft until a second person reviews it again.
 */
export async function edit(
	actor: Actor,
	id: string,
	words: StoryWords,
	ip: string
): Promise<Result<{ changed: string[] }>> {
	const { data, error } = await serviceDb().rpc('story_edit', {
		p_actor: actor.id,
		p_id: id,
		p_story: words,
		p_ip: ip
	});
	if (error) return refusal(error);
	clearCache();
	return { ok: true, changed: data as string[] };
}

/** Records the consent as it now stands. Takes effect at once, with no new review. */
export async function setConsent(
	actor: Actor,
	id: string,
	consent: StoryConsent,
	ip: string
): Promise<Result> {
	const { error } = await serviceDb().rpc('story_set_consent', {
		p_actor: actor.id,
		p_id: id,
		p_consent: consent,
		p_ip: ip
	});
	if (error) return refusal(error);
	clearCache();
	return { ok: true };
}

export type Transition = 'submit' | 'approve' | 'publish' | 'unpublish' | 'withdraw';

/**
 * Moves a story on: submit for review; approve (a second staff member: never who
 * wrote or last edited it, which the database refuses too); publish (approved,
 * consent current); unpublish; withdraw (the person withdrew consent: off every
 * page and email at once, for good). Audited.
 */
export async function transition(
	actor: Actor,
	id: string,
	action: Transition,
	ip: string
): Promise<Result> {
	const { error } = await serviceDb().rpc('story_transition', {
		p_actor: actor.id,
		p_id: id,
		p_action: action,
		p_ip: ip
	});
	if (error) return refusal(error);
	clearCache();
	return { ok: true };
}
