import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';

// The story forms in the admin: the words (and how the person is shown) and the
// person's consent. Messages are functions: read in the staff member's language.

export const STORY_KINDS = ['survivor', 'official', 'staff', 'partner', 'supporter'] as const;
export type StoryKind = (typeof STORY_KINDS)[number];

/**
 * Cities and towns where IJM works or that its stories could name. When a
 * person's place must be hidden, the form refuses words that name one. A list
 * cannot know every village: the form says so, and the reviewer checks the rest.
 */
const PLACES = [
	// The Philippines
	'Manila',
	'Quezon City',
	'Cebu',
	'Mandaue',
	'Lapu-Lapu',
	'Davao',
	'Angeles',
	'Mabalacat',
	'Pampanga',
	'Olongapo',
	'Iloilo',
	'Bacolod',
	'Cagayan de Oro',
	'Zamboanga',
	'Pasay',
	'Makati',
	'Taguig',
	'Caloocan',
	'Tacloban',
	'Baguio',
	'General Santos',
	'Dumaguete',
	'Puerto Princesa',
	'Legazpi',
	// Cambodia
	'Phnom Penh',
	'Siem Reap',
	'Sihanoukville',
	'Battambang',
	'Poipet',
	'Kampot',
	'Svay Pak',
	'Kampong Cham',
	// Thailand
	'Bangkok',
	'Pattaya',
	'Chiang Mai',
	// Uganda
	'Kampala',
	'Mukono',
	'Gulu',
	'Entebbe',
	'Jinja',
	'Mbarara',
	// Guatemala
	'Guatemala City',
	'Ciudad de Guatemala',
	'Quetzaltenango',
	'Xela',
	'Escuintla',
	'Antigua',
	// Ghana
	'Accra',
	'Kumasi',
	'Yeji',
	'Kete Krachi',
	// India
	'Mumbai',
	'Delhi',
	'Kolkata',
	'Chennai',
	'Bengaluru',
	'Bangalore',
	'Hyderabad',
	// Kenya
	'Nairobi',
	'Mombasa',
	'Kisumu',
	// Elsewhere IJM works
	'Santo Domingo',
	'La Paz',
	'El Alto',
	'Cochabamba',
	'Dhaka',
	'Chittagong',
	'Bucharest',
	// Canada
	'Toronto',
	'Vancouver',
	'Montreal',
	'Ottawa',
	'Calgary',
	'Edmonton',
	'Winnipeg',
	'Halifax',
	'Quebec City'
];

const fold = (text: string) =>
	text
		.normalize('NFD')
		.replace(/\p{Diacritic}/gu, '')
		.toLowerCase();

const PLACE_PATTERNS = PLACES.map((place) => ({
	place,
	pattern: new RegExp(`(^|[^\\p{L}])${fold(place).replace(/[-\s]+/g, '[-\\s]+')}($|[^\\p{L}])`, 'u')
}));

/** The first known city or town `text` names, if any (any letter case or accent). */
export function namedPlace(text: string): string | undefined {
	const folded = fold(text);
	return PLACE_PATTERNS.find(({ pattern }) => pattern.test(folded))?.place;
}

/** Today in UTC, as YYYY-MM-DD: consent dates are whole days, ending at UTC midnight. */
export function todayUtc(now = new Date()): string {
	return now.toISOString().slice(0, 10);
}

const required = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.nonEmpty(() => m.story_error_required()),
		v.maxLength(max, () => m.story_error_too_long({ max }))
	);

/** Empty is none (null). */
const optional = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(max, () => m.story_error_too_long({ max })),
		v.transform((value) => (value === '' ? null : value))
	);

const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((value) => value === 'on')
);

const date = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.nonEmpty(() => m.story_error_date()),
	v.isoDate(() => m.story_error_date()),
	v.check(
		(value) => !Number.isNaN(Date.parse(value)),
		() => m.story_error_date()
	)
);

/** A file in static/ (/stories/x.jpg) or an https:// address; never a protocol-relative //host. */
const photoUrl = v.pipe(
	optional(1000),
	v.check(
		(value) =>
			value === null ||
			/^\/[A-Za-z0-9._~%-][A-Za-z0-9._~%/-]*$/.test(value) ||
			/^https:\/\/[^\s"'<>]+$/.test(value),
		() => m.story_error_photo_url()
	)
);

const wordsEntries = {
	kind: v.picklist(STORY_KINDS, () => m.story_error_kind()),
	quote_en: required(2000),
	quote_fr: required(2000),
	account_en: optional(4000),
	account_fr: optional(4000),
	attribution_en: required(300),
	attribution_fr: required(300),
	pseudonym: checkbox,
	hide_face: checkbox,
	hide_place: checkbox,
	photo_url: photoUrl,
	photo_alt_en: optional(300),
	photo_alt_fr: optional(300)
};

const consentEntries = {
	consent_given_on: date,
	consent_given_to: required(300),
	consent_web: checkbox,
	consent_email: checkbox,
	consent_until: date,
	consent_note: optional(2000)
};

type Words = v.InferOutput<v.ObjectSchema<typeof wordsEntries, undefined>>;
type Consent = v.InferOutput<v.ObjectSchema<typeof consentEntries, undefined>>;
type AddIssue = (key: string, message: string) => void;

/** The rules between fields of the words, each reported next to the field to change. */
function checkWords(words: Words, issue: AddIssue) {
	if (words.hide_place) {
		const texts = [
			'quote_en',
			'quote_fr',
			'account_en',
			'account_fr',
			'attribution_en',
			'attribution_fr',
			'photo_alt_en',
			'photo_alt_fr'
		] as const;
		for (const key of texts) {
			const place = namedPlace(words[key] ?? '');
			if (place) issue(key, m.story_error_place({ place }));
		}
	}
	if (words.pseudonym) {
		if (!words.attribution_en.includes('*')) issue('attribution_en', m.story_error_pseudonym());
		if (!words.attribution_fr.includes('*')) issue('attribution_fr', m.story_error_pseudonym());
	}
	if ((words.account_en === null) !== (words.account_fr === null)) {
		issue(words.account_en === null ? 'account_en' : 'account_fr', m.story_error_both_languages());
	}
	if (words.photo_url !== null) {
		if (words.photo_alt_en === null) issue('photo_alt_en', m.story_error_photo_alt());
		if (words.photo_alt_fr === null) issue('photo_alt_fr', m.story_error_photo_alt());
	}
}

function checkConsent(consent: Consent, issue: AddIssue, today = todayUtc()) {
	if (consent.consent_given_on > today) issue('consent_given_on', m.story_error_given_future());
	if (consent.consent_until < consent.consent_given_on) {
		issue('consent_until', m.story_error_until_before());
	}
	if (!consent.consent_web && !consent.consent_email) {
		issue('consent_uses', m.story_error_uses());
	}
}

/** Adds rawCheck issues at named fields (including ones that are not inputs, like consent_uses). */
function issuesAt(
	dataset: { value: unknown },
	addIssue: (info: { message: string; path: [v.ObjectPathItem] }) => void
): AddIssue {
	const input = dataset.value as Record<string, unknown>;
	return (key, message) =>
		addIssue({
			message,
			path: [{ type: 'object', origin: 'value', input, key, value: input[key] }]
		});
}

export const storyWordsSchema = v.pipe(
	v.object(wordsEntries),
	v.rawCheck(({ dataset, addIssue }) => {
		if (dataset.typed) checkWords(dataset.value, issuesAt(dataset, addIssue));
	})
);

export const storyConsentSchema = v.pipe(
	v.object(consentEntries),
	v.rawCheck(({ dataset, addIssue }) => {
		if (dataset.typed) checkConsent(dataset.value, issuesAt(dataset, addIssue));
	})
);

/** A new story: its words and its consent, in one form. */
export const storyNewSchema = v.pipe(
	v.object({ ...wordsEntries, ...consentEntries }),
	v.rawCheck(({ dataset, addIssue }) => {
		if (!dataset.typed) return;
		const issue = issuesAt(dataset, addIssue);
		checkWords(dataset.value, issue);
		checkConsent(dataset.value, issue);
	})
);

export type StoryWords = v.InferOutput<typeof storyWordsSchema>;
export type StoryConsent = v.InferOutput<typeof storyConsentSchema>;
export type StoryNew = v.InferOutput<typeof storyNewSchema>;
