import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

// The staff's campaign and petition forms. Field names are flat (en_title,
// fr_title...) so the forms work as plain HTML; the schemas turn them into the
// shape the SQL functions take. Messages are functions: read in the staff
// member's language when the form is checked.

export const STATUSES = ['draft', 'published', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** The charity's zone: deadlines are typed and shown on its wall clock. */
export const CHARITY_TIME_ZONE = 'America/Toronto';

const text = (max: number) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.campaign_admin_error_required()),
		v.maxLength(max, () => m.campaign_admin_error_long({ max }))
	);

const slug = v.pipe(
	v.string(),
	v.trim(),
	v.toLowerCase(),
	v.minLength(1, () => m.campaign_admin_error_required()),
	v.maxLength(80, () => m.campaign_admin_error_long({ max: 80 })),
	v.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, () => m.campaign_admin_error_slug())
);

const status = v.picklist(STATUSES, () => m.campaign_admin_error_status());

/**
 * A whole number typed as people write it: 10000, 10,000 or 10 000 (a space,
 * a non-breaking space or a comma between groups of three).
 */
export function parseWholeNumber(input: string): number | null {
	const value = input.trim();
	if (!/^\d{1,3}([ ,\u00a0\u202f]?\d{3})*$/.test(value)) return null;
	return Number(value.replace(/[ ,\u00a0\u202f]/g, ''));
}

/**
 * Dollars as integer cents: 50000, 50,000, 50 000, 50000.50 or 50 000,50 (a
 * decimal separator is followed by one or two digits; three after a comma are a
 * group of thousands). Null when it is not an amount.
 */
export function parseDollarsToCents(input: string): number | null {
	const value = input.trim().replace(/^\$\s*|\s*\$$/g, '');
	const match = /^(\d{1,3}(?:[ ,\u00a0\u202f]?\d{3})*)(?:[.,](\d{1,2}))?$/.exec(value);
	if (!match) return null;
	const dollars = Number(match[1].replace(/[ ,\u00a0\u202f]/g, ''));
	const cents = match[2] ? Number(match[2].padEnd(2, '0')) : 0;
	return dollars * 100 + cents;
}

/** Cents as dollars in a form field: 5000000 → "50000", 5000050 → "50000.50". */
export function centsToDollarsField(cents: number | null): string {
	if (cents === null) return '';
	return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

const MAX_GOAL_CENTS = 100_000_000_000; // a billion dollars
const MAX_SIGNATURE_GOAL = 100_000_000;

const dollarGoal = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(value) => value === '' || (parseDollarsToCents(value) ?? 0) > 0,
		() => m.campaign_admin_error_dollars()
	),
	v.check(
		(value) => value === '' || (parseDollarsToCents(value) ?? 0) <= MAX_GOAL_CENTS,
		() => m.campaign_admin_error_dollars_large()
	),
	v.transform((value) => (value === '' ? null : parseDollarsToCents(value)!))
);

const signatureGoal = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(value) => value === '' || (parseWholeNumber(value) ?? 0) > 0,
		() => m.petition_admin_error_goal()
	),
	v.check(
		(value) => value === '' || (parseWholeNumber(value) ?? 0) <= MAX_SIGNATURE_GOAL,
		() => m.petition_admin_error_goal_large()
	),
	v.transform((value) => (value === '' ? null : parseWholeNumber(value)!))
);

/** A wall-clock date and time as a datetime-local field sends it: 2027-06-30T23:59. */
export function parseLocalDateTime(input: string): string | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(
		input.trim()
	);
	if (!match) return null;
	const [, year, month, day, hour, minute] = match.map(Number);
	const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
	if (
		date.getUTCFullYear() !== year ||
		date.getUTCMonth() !== month - 1 ||
		date.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59
	) {
		return null;
	}
	return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}`;
}

const deadline = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(value) => value === '' || parseLocalDateTime(value) !== null,
		() => m.petition_admin_error_deadline()
	),
	v.transform((value) => (value === '' ? null : parseLocalDateTime(value)!))
);

const MAX_ORIGINS = 20;

/**
 * The origins allowed to frame a petition, one a line: each must be an https
 * origin (scheme and host, an optional port, nothing after). Returns the
 * origins as browsers send them (lowercase host, no trailing slash), or the
 * first line that is not one.
 */
export function parseOrigins(input: string): { origins: string[] } | { invalid: string } {
	const origins: string[] = [];
	for (const raw of input.split(/\r?\n/)) {
		const line = raw.trim();
		if (line === '') continue;
		let url: URL | undefined;
		try {
			url = new URL(line);
		} catch {
			url = undefined;
		}
		const bare = line.replace(/\/$/, '');
		if (
			!url ||
			url.protocol !== 'https:' ||
			url.username ||
			url.password ||
			url.origin.toLowerCase() !== bare.toLowerCase()
		) {
			return { invalid: line };
		}
		if (!origins.includes(url.origin)) origins.push(url.origin);
	}
	return { origins };
}

const embedOrigins = v.pipe(
	v.string(),
	v.rawTransform(({ dataset, addIssue, NEVER }) => {
		const parsed = parseOrigins(dataset.value);
		if ('invalid' in parsed) {
			addIssue({
				message: m.petition_admin_error_origin({ origin: parsed.invalid.slice(0, 100) })
			});
			return NEVER;
		}
		if (parsed.origins.length > MAX_ORIGINS) {
			addIssue({ message: m.petition_admin_error_origins_many({ max: MAX_ORIGINS }) });
			return NEVER;
		}
		return parsed.origins;
	})
);

const optionalUuid = v.pipe(
	v.string(),
	v.trim(),
	v.check(
		(value) =>
			value === '' || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value),
		() => m.petition_admin_error_campaign()
	),
	v.transform((value) => (value === '' ? null : value))
);

export interface CampaignFields {
	slug: string;
	status: Status;
	goal_cents: number | null;
	en: CampaignText;
	fr: CampaignText;
}
export interface CampaignText {
	title: string;
	summary: string;
	story: string;
}

export const campaignSchema = v.pipe(
	v.object({
		slug,
		status,
		goal: dollarGoal,
		en_title: text(200),
		en_summary: text(500),
		en_story: text(20000),
		fr_title: text(200),
		fr_summary: text(500),
		fr_story: text(20000)
	}),
	v.transform((input): CampaignFields => ({
		slug: input.slug,
		status: input.status,
		goal_cents: input.goal,
		en: { title: input.en_title, summary: input.en_summary, story: input.en_story },
		fr: { title: input.fr_title, summary: input.fr_summary, story: input.fr_story }
	}))
);

export interface PetitionFields {
	slug: string;
	/** The staff's name for it (lists, filters, timelines). */
	title: string;
	status: Status;
	campaign_id: string | null;
	goal: number | null;
	/** Wall-clock time in CHARITY_TIME_ZONE, 'YYYY-MM-DDTHH:MM'. */
	deadline: string | null;
	time_zone: string;
	embed_origins: string[];
	en: PetitionText;
	fr: PetitionText;
}
export interface PetitionText {
	title: string;
	target: string;
	letter: string;
}

export const petitionSchema = v.pipe(
	v.object({
		slug,
		name: text(200),
		status,
		campaign_id: optionalUuid,
		goal: signatureGoal,
		deadline,
		embed_origins: embedOrigins,
		en_title: text(200),
		en_target: text(300),
		en_letter: text(10000),
		fr_title: text(200),
		fr_target: text(300),
		fr_letter: text(10000)
	}),
	v.transform((input): PetitionFields => ({
		slug: input.slug,
		title: input.name,
		status: input.status,
		campaign_id: input.campaign_id,
		goal: input.goal,
		deadline: input.deadline,
		time_zone: CHARITY_TIME_ZONE,
		embed_origins: input.embed_origins,
		en: { title: input.en_title, target: input.en_target, letter: input.en_letter },
		fr: { title: input.fr_title, target: input.fr_target, letter: input.fr_letter }
	}))
);

export const MARK_KINDS = ['delivered', 'won'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

export interface UpdateText {
	title: string;
	body: string;
}

/** Marking a petition delivered or won, with the update supporters will read. */
export const petitionMarkSchema = v.pipe(
	v.object({
		kind: v.picklist(MARK_KINDS, () => m.petition_admin_error_kind()),
		en_title: text(200),
		en_body: text(5000),
		fr_title: text(200),
		fr_body: text(5000)
	}),
	v.transform((input) => ({
		kind: input.kind,
		update: {
			en: { title: input.en_title, body: input.en_body } as UpdateText,
			fr: { title: input.fr_title, body: input.fr_body } as UpdateText
		}
	}))
);

export const deliveryLanguageSchema = v.picklist(['en', 'fr']);

/** An instant as the wall clock of `zone` shows it, for a datetime-local field: 2027-06-30T23:59. */
export function localDateTimeIn(iso: string, zone: string = CHARITY_TIME_ZONE): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		})
			.formatToParts(new Date(iso))
			.map((part) => [part.type, part.value])
	);
	return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
