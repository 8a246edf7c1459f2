import { m } from '#lib/paraglide/messages.js';
import type { SupporterFilter } from '#lib/schemas/supporter-filter.ts';

// How the admin words a supporter's state and a filter, in the reader's language.

/** A supporter's email consent as staff read it (CASL: implied consent ends). */
export function consentState(
	supporter: { email_consent: string | null; email_consent_expires_at: string | null },
	date: Intl.DateTimeFormat,
	now = new Date()
): string {
	if (supporter.email_consent === 'withdrawn') return m.consent_state_withdrawn();
	if (supporter.email_consent !== 'granted') return m.consent_state_none();
	if (!supporter.email_consent_expires_at) return m.consent_state_subscribed();
	const ends = new Date(supporter.email_consent_expires_at);
	return ends > now
		? m.consent_state_implied_until({ date: date.format(ends) })
		: m.consent_state_lapsed({ date: date.format(ends) });
}

const CONSENT_LABELS = {
	subscribed: m.supporters_filter_consent_subscribed,
	expiring: m.supporters_filter_consent_expiring,
	expired: m.supporters_filter_consent_expired,
	withdrawn: m.supporters_filter_consent_withdrawn,
	none: m.supporters_filter_consent_none
};

export function consentFilterLabel(value: keyof typeof CONSENT_LABELS): string {
	return CONSENT_LABELS[value]();
}

/** A filter in words ("Subscribed · QC, ON · Tagged with any of: volunteer"). */
export function describeFilter(
	filter: SupporterFilter,
	petitionTitle?: (id: string) => string
): string {
	const parts: string[] = [];
	if (filter.q) parts.push(`“${filter.q}”`);
	if (filter.tags?.length) parts.push(`${m.supporters_filter_tags()}: ${filter.tags.join(', ')}`);
	if (filter.consent) parts.push(consentFilterLabel(filter.consent));
	if (filter.language) parts.push(filter.language === 'fr' ? m.language_fr() : m.language_en());
	if (filter.provinces?.length) parts.push(filter.provinces.join(', '));
	if (filter.given) {
		parts.push(
			filter.given === 'yes' ? m.supporters_filter_given_yes() : m.supporters_filter_given_no()
		);
	}
	if (filter.monthly) parts.push(m.supporters_filter_monthly());
	if (filter.petition) {
		parts.push(
			`${m.supporters_filter_petition()}: ${petitionTitle?.(filter.petition) ?? filter.petition}`
		);
	}
	if (filter.active_after)
		parts.push(`${m.supporters_filter_active_after()} ${filter.active_after}`);
	if (filter.active_before)
		parts.push(`${m.supporters_filter_active_before()} ${filter.active_before}`);
	return parts.length ? parts.join(' · ') : m.segments_everyone();
}
