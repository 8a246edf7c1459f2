import { m } from '#lib/paraglide/messages.js';

// A story's consent as staff must read it, and what needs their attention. Dates
// are whole days (YYYY-MM-DD); a consent ends at the end of its last day, UTC.

export const ENDING_SOON_DAYS = 30;

export interface StoryConsentFacts {
	status: 'draft' | 'in_review' | 'published' | 'unpublished';
	seeded: boolean;
	consent_given_on: string | null;
	consent_until: string | null;
	consent_withdrawn_at: string | null;
	published_at: string | null;
}

export type ConsentState =
	| { kind: 'withdrawn'; at: string }
	| { kind: 'ended'; on: string }
	| { kind: 'ending'; on: string; days: number }
	| { kind: 'current'; until: string | null }
	| { kind: 'printed' };

const DAY = 86_400_000;

export function consentState(story: StoryConsentFacts, today: string): ConsentState {
	if (story.consent_withdrawn_at) return { kind: 'withdrawn', at: story.consent_withdrawn_at };
	if (story.consent_until && story.consent_until < today) {
		return { kind: 'ended', on: story.consent_until };
	}
	if (story.consent_until) {
		const days = Math.round((Date.parse(story.consent_until) - Date.parse(today)) / DAY);
		if (days <= ENDING_SOON_DAYS) return { kind: 'ending', on: story.consent_until, days };
	}
	if (story.seeded && !story.consent_given_on) return { kind: 'printed' };
	return { kind: 'current', until: story.consent_until };
}

/**
 * What staff must be told: a story that was published and is now hidden because
 * its consent ended or was withdrawn (withdrawals for 30 days), or a published
 * story whose consent ends within 30 days.
 */
export function attentionFor(
	story: StoryConsentFacts,
	today: string
): 'hidden' | 'ending' | undefined {
	const state = consentState(story, today);
	if (state.kind === 'ended' && story.status === 'published') return 'hidden';
	if (
		state.kind === 'withdrawn' &&
		story.published_at &&
		Date.parse(today) - Date.parse(state.at.slice(0, 10)) <= ENDING_SOON_DAYS * DAY
	) {
		return 'hidden';
	}
	if (state.kind === 'ending' && story.status === 'published') return 'ending';
	return undefined;
}

/** The consent state in words, in the staff member's language. */
export function consentText(state: ConsentState, date: (day: string) => string): string {
	switch (state.kind) {
		case 'withdrawn':
			return m.story_consent_withdrawn_on({ date: date(state.at) });
		case 'ended':
			return m.story_consent_ended_on({ date: date(state.on) });
		case 'ending':
			return m.story_consent_ending({ date: date(state.on) });
		case 'printed':
			return m.story_consent_printed();
		case 'current':
			return state.until
				? m.story_consent_until({ date: date(state.until) })
				: m.story_consent_no_end();
	}
}

const STATUS = {
	draft: m.story_status_draft,
	in_review: m.story_status_in_review,
	published: m.story_status_published,
	unpublished: m.story_status_unpublished
};

export function statusText(status: StoryConsentFacts['status']): string {
	return STATUS[status]();
}

const KINDS = {
	survivor: m.story_kind_survivor,
	official: m.story_kind_official,
	staff: m.story_kind_staff,
	partner: m.story_kind_partner,
	supporter: m.story_kind_supporter
};

export function kindText(kind: keyof typeof KINDS): string {
	return KINDS[kind]();
}

/**
 * A day (YYYY-MM-DD) or a moment, written for the reader. Days are formatted in
 * UTC so the date shown is the date stored.
 */
export function dayFormatter(locale: 'en' | 'fr'): (value: string) => string {
	const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'medium',
		timeZone: 'UTC'
	});
	return (value) => format.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value));
}
