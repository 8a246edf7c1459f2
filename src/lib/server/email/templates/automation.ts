import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { AUTOMATION_KEYS, isAutomationKey, type AutomationKey } from '#lib/schemas/automation.ts';
import {
	freezeContent,
	LANGUAGES,
	type BroadcastText,
	type RenderedText
} from '../../broadcasts/content.ts';
import { must, serviceDb } from '../../db.ts';
import { EmailDataMissing, type PreparedEmail } from '../prepare.ts';
import type { Language } from '../types.ts';
import type { PetitionThanksData } from './index.ts';

// The emails of automations (migration 0027): the welcome series and "your gift at
// work" (template 'automation', queued with {automation: key}), and the petition
// thank-you (template 'petition-thanks', queued by petition_sign). Each says what
// staff wrote for it, frozen when they saved (email_automations.rendered), or else
// its built-in words, which are messages. Staff edit them at /admin/emails/automations
// (src/lib/server/broadcasts/automations.ts).

export { AUTOMATION_KEYS, isAutomationKey, type AutomationKey };

/** What staff wrote, per language (as one variant of a broadcast). */
export type AutomationContent = Record<Language, BroadcastText>;
/** What every recipient gets, per language. */
export type AutomationRendered = Record<Language, RenderedText>;

// The petition thank-you may name the petition: {{petition_title}} becomes this
// placeholder when staff save (it passes Markdown and sanitising untouched), and the
// title of the petition each signer signed when their email is prepared.
export const PETITION_TITLE_FIELD = '{{petition_title}}';
const PETITION_TITLE_MERGE = /\{\{\s*petition_title\s*\}\}/g;
export const PETITION_TITLE_PLACEHOLDER = 'Xq7PetitionTitleXq7';

/** The merge fields staff may use in an automation's words, besides {{first_name}}. */
export function extraMergeFields(key: AutomationKey): string[] {
	return key === 'petition-thanks' ? [PETITION_TITLE_FIELD] : [];
}

/** Staff's words frozen for sending: sanitised HTML, links numbered, merge fields as placeholders. */
export function freezeAutomation(
	key: AutomationKey,
	content: AutomationContent
): { rendered: AutomationRendered; links: string[] } {
	const texts = { ...content };
	if (key === 'petition-thanks') {
		const title = (text: string) => text.replace(PETITION_TITLE_MERGE, PETITION_TITLE_PLACEHOLDER);
		for (const language of LANGUAGES) {
			const text = content[language];
			texts[language] = {
				...text,
				subject: title(text.subject),
				preheader: title(text.preheader),
				body: title(text.body),
				cta: text.cta ? { ...text.cta, label: title(text.cta.label) } : null
			};
		}
	}
	const { rendered, links } = freezeContent({ a: texts });
	return { rendered: rendered.a!, links };
}

const url = (path: string, language: Language) => localizeHref(path, { locale: language });

/**
 * The built-in words of an automation in one language, as staff would write them
 * (Markdown, merge fields): what it says until staff write their own, and what the
 * editor starts from.
 */
export function builtInText(key: AutomationKey, language: Language): BroadcastText {
	const locale = { locale: language };
	const charity = CHARITY_NAME;
	const greeting = m.email_greeting({ name: '{{first_name}}' }, locale);
	switch (key) {
		case 'welcome-1':
			return {
				subject: m.automation_welcome_1_subject({ charity }, locale),
				preheader: m.automation_welcome_1_preheader({}, locale),
				body: `${greeting}\n\n${m.automation_welcome_1_body({ charity }, locale)}`,
				cta: {
					label: m.automation_welcome_1_cta({}, locale),
					url: url('/impact', language),
					kind: 'read'
				}
			};
		case 'welcome-2':
			return {
				subject: m.automation_welcome_2_subject({}, locale),
				preheader: m.automation_welcome_2_preheader({}, locale),
				body: `${greeting}\n\n${m.automation_welcome_2_body(
					{ campaigns_url: url('/campaigns', language) },
					locale
				)}`,
				cta: {
					label: m.automation_welcome_2_cta({}, locale),
					url: url('/donate', language),
					kind: 'give'
				}
			};
		case 'gift-at-work':
			return {
				subject: m.automation_gift_at_work_subject({}, locale),
				preheader: m.automation_gift_at_work_preheader({}, locale),
				body: `${greeting}\n\n${m.automation_gift_at_work_body(
					{ charity, giving_url: url('/giving', language) },
					locale
				)}`,
				cta: {
					label: m.automation_gift_at_work_cta({}, locale),
					url: url('/impact', language),
					kind: 'read'
				}
			};
		case 'petition-thanks':
			// What PetitionThanks.svelte says by itself; the share button and the
			// petition's link follow whatever staff write.
			return {
				subject: m.petition_email_subject({}, locale),
				preheader: m.petition_email_thanks({ title: PETITION_TITLE_FIELD }, locale),
				body: `${greeting}\n\n${m.petition_email_thanks({ title: PETITION_TITLE_FIELD }, locale)}\n\n${m.petition_email_share({}, locale)}`,
				cta: null
			};
	}
}

export function builtInContent(key: AutomationKey): AutomationContent {
	return { en: builtInText(key, 'en'), fr: builtInText(key, 'fr') };
}

interface Words {
	/** Null: the built-in words. */
	rendered: AutomationRendered | null;
	links: string[];
}

// Read once a minute per automation and app instance: every email of a batch asks.
// A save on this instance forgets its copy at once (`forgetWords`); other instances
// follow within the minute.
const TTL_MS = 60_000;
const cache = new Map<AutomationKey, { at: number; words: Words }>();

export function forgetWords(key: AutomationKey): void {
	cache.delete(key);
}

/** What staff wrote for `key` (frozen), or null rendered for the built-in words. */
export async function readWords(
	key: AutomationKey,
	options: { fresh?: boolean } = {}
): Promise<Words> {
	const cached = cache.get(key);
	if (cached && !options.fresh && Date.now() - cached.at < TTL_MS) return cached.words;
	const row = must(
		await serviceDb()
			.from('email_automations')
			.select('rendered, links')
			.eq('key', key)
			.maybeSingle()
	) as { rendered: AutomationRendered | null; links: string[] } | null;
	if (!row) throw new EmailDataMissing(`automation ${key}`);
	const words = { rendered: row.rendered, links: row.links ?? [] };
	cache.set(key, { at: Date.now(), words });
	return words;
}

/** As the outbox holds it. */
export interface AutomationQueued {
	automation: string;
}

export interface AutomationEmailData extends RenderedText {
	automation: AutomationKey;
	/** The links the HTML's link placeholders stand for. */
	links: string[];
}

/** The words an automation's email has now, in `language`. */
export async function automationEmailData(
	key: AutomationKey,
	language: Language,
	options: { fresh?: boolean } = {}
): Promise<AutomationEmailData> {
	const words = await readWords(key, options);
	if (words.rendered) return { automation: key, ...words.rendered[language], links: words.links };
	const builtIn = builtInFrozen(key);
	return { automation: key, ...builtIn.rendered[language], links: builtIn.links };
}

// The built-in words are the same for every email: frozen once per automation.
const frozenBuiltIn = new Map<AutomationKey, ReturnType<typeof freezeAutomation>>();
function builtInFrozen(key: AutomationKey) {
	let frozen = frozenBuiltIn.get(key);
	if (!frozen) {
		frozen = freezeAutomation(key, builtInContent(key));
		frozenBuiltIn.set(key, frozen);
	}
	return frozen;
}

export async function prepareAutomation(
	queued: AutomationQueued,
	language: Language
): Promise<PreparedEmail<AutomationEmailData>> {
	if (!isAutomationKey(queued.automation) || queued.automation === 'petition-thanks') {
		throw new EmailDataMissing(`automation ${queued.automation}`);
	}
	return { data: await automationEmailData(queued.automation, language) };
}

/** The petition thank-you as it is rendered: as queued, with staff's words when they wrote some. */
export interface PetitionThanksEmailData extends PetitionThanksData {
	words?: RenderedText;
	links?: string[];
}

function escapeHtml(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** Staff's thank-you words with this petition's title in them. */
export function petitionThanksWords(words: RenderedText, title: string): RenderedText {
	return {
		subject: words.subject.replaceAll(PETITION_TITLE_PLACEHOLDER, title),
		preheader: words.preheader.replaceAll(PETITION_TITLE_PLACEHOLDER, title),
		html: words.html.replaceAll(PETITION_TITLE_PLACEHOLDER, escapeHtml(title))
	};
}

export async function preparePetitionThanks(
	queued: PetitionThanksData,
	language: Language,
	options: { fresh?: boolean } = {}
): Promise<PreparedEmail<PetitionThanksEmailData>> {
	const words = await readWords('petition-thanks', options);
	if (!words.rendered) return { data: queued };
	return {
		data: {
			...queued,
			words: petitionThanksWords(words.rendered[language], queued.title),
			links: words.links
		}
	};
}
