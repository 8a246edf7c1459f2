import { m } from '#lib/paraglide/messages.js';
import { CHARITY_TIME_ZONE, type Status } from '#lib/schemas/campaign.ts';

/** A campaign's or petition's status in the staff member's language. */
export function statusText(status: Status): string {
	return {
		draft: m.campaign_admin_status_draft,
		published: m.campaign_admin_status_published,
		closed: m.campaign_admin_status_closed
	}[status]();
}

/** Formats for the staff pages, in the staff member's language and the charity's zone. */
export function formats(language: 'en' | 'fr') {
	const locale = language === 'fr' ? 'fr-CA' : 'en-CA';
	const dateTime = new Intl.DateTimeFormat(locale, {
		year: 'numeric',
		month: 'long',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZone: CHARITY_TIME_ZONE,
		timeZoneName: 'short'
	});
	const day = new Intl.DateTimeFormat(locale, {
		dateStyle: 'medium',
		timeZone: 'UTC'
	});
	const shortDay = new Intl.DateTimeFormat(locale, {
		month: 'short',
		day: 'numeric',
		timeZone: 'UTC'
	});
	return {
		number: (value: number) => new Intl.NumberFormat(locale).format(value),
		money: (cents: number, currency = 'cad') =>
			new Intl.NumberFormat(locale, {
				style: 'currency',
				currency: currency.toUpperCase(),
				maximumFractionDigits: cents % 100 === 0 ? 0 : 2
			}).format(cents / 100),
		/** An instant, on the charity's wall clock (with its zone's name). */
		dateTime: (iso: string) => dateTime.format(new Date(iso)),
		/** A calendar day ('2026-11-29'), as it is. */
		day: (isoDay: string) => day.format(new Date(`${isoDay}T00:00:00Z`)),
		shortDay: (isoDay: string) => shortDay.format(new Date(`${isoDay}T00:00:00Z`))
	};
}

/**
 * Where signatures came from, said plainly: direct, embed:<origin>,
 * share:<channel>, email, or anything else as recorded.
 */
export function sourceText(source: string | null): string {
	if (source === null || source === '') return m.petition_admin_source_none();
	if (source === 'direct') return m.petition_admin_source_direct();
	if (source === 'email') return m.petition_admin_source_email();
	if (source.startsWith('embed:'))
		return m.petition_admin_source_embed({ origin: source.slice(6) });
	if (source.startsWith('share:'))
		return m.petition_admin_source_share({ channel: source.slice(6) });
	return source;
}
