import { error, fail, redirect } from '@sveltejs/kit';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { m } from '#lib/paraglide/messages.js';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import type { FieldErrors } from '#lib/schemas/form.ts';
import { parsePreferencesForm } from '#lib/schemas/preferences.ts';
import * as preferences from '#lib/server/email/preferences.ts';
import type { Language } from '#lib/server/email/types.ts';

// The preference centre: the link in every broadcast is the key, no password.
// Each button is a form action (works without JavaScript); after a change, the
// page again in the language chosen, saying it was saved (Post/Redirect/Get).

const SAVED = ['choices', 'unsubscribed', 'subscribed'] as const;
type Saved = (typeof SAVED)[number];

const pageLanguage = (): Language => (getLocale() === 'fr' ? 'fr' : 'en');

function unknownLink(): never {
	error(404, m.preferences_unknown_title());
}

export const load = async ({ params, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'private, no-store' });
	const found = await preferences.get(params.token);
	if (!found) unknownLink();
	const locale = pageLanguage();
	const when = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: CHARITY_TIME_ZONE
	});
	const saved = url.searchParams.get('saved');
	return {
		email: preferences.maskEmail(found.email),
		language: found.language,
		consent: found.consent,
		subscribed: found.subscribed,
		topics: found.topics.map((topic) => ({
			...topic,
			name: preferences.topicName(topic.key, locale),
			description: preferences.topicDescription(topic.key, locale)
		})),
		ledger: found.ledger.map((row) => ({
			when: when.format(new Date(row.given_at ?? row.recorded_at)),
			what: preferences.describeChange(row, locale),
			where: preferences.describeSource(row.source, locale),
			words: row.wording,
			language: row.language
		})),
		saved: SAVED.includes(saved as Saved) ? (saved as Saved) : null
	};
};

async function change(
	token: string,
	ip: string,
	choices: { language: Language | null; topics: string[] | null; subscribe: boolean | null },
	saved: Saved
) {
	const result = await preferences.save({ token, ip, pageLanguage: pageLanguage(), ...choices });
	if (!result.ok && result.reason === 'unknown') unknownLink();
	if (!result.ok) return fail(429, { rateLimited: true, errors: {} as FieldErrors });
	// In the language they chose: a change of language shows at once.
	const locale = choices.language ?? pageLanguage();
	redirect(303, `${localizeHref(`/preferences/${token}`, { locale })}?saved=${saved}`);
}

export const actions = {
	save: async ({ params, request, getClientAddress }) => {
		const form = parsePreferencesForm(await request.formData());
		if (!form.ok) return fail(400, { rateLimited: false, errors: form.errors });
		return change(
			params.token,
			getClientAddress(),
			{ language: form.output.language, topics: form.output.topics, subscribe: null },
			'choices'
		);
	},
	unsubscribe: async ({ params, getClientAddress }) =>
		change(
			params.token,
			getClientAddress(),
			{ language: null, topics: null, subscribe: false },
			'unsubscribed'
		),
	subscribe: async ({ params, getClientAddress }) =>
		change(
			params.token,
			getClientAddress(),
			{ language: null, topics: null, subscribe: true },
			'subscribed'
		)
};
