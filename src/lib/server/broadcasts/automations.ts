import { m } from '#lib/paraglide/messages.js';
import type { FieldErrors } from '#lib/schemas/form.ts';
import { must, serviceDb } from '../db.ts';
import { escapeHtml, recipientFields, renderEmail } from '../email/render.ts';
import { emailSettings } from '../email/settings.ts';
import {
	AUTOMATION_KEYS,
	automationEmailData,
	builtInContent,
	extraMergeFields,
	forgetWords,
	freezeAutomation,
	isAutomationKey,
	petitionThanksWords,
	preparePetitionThanks,
	type AutomationContent,
	type AutomationKey
} from '../email/templates/automation.ts';
import type { Language } from '../email/types.ts';
import { openPetition } from '../petitions/index.ts';
import { fillFirstName, LANGUAGES } from './content.ts';

// Automations: emails the site sends by itself (a welcome series, the petition
// thank-you, "your gift at work"), which staff reword or turn off. What triggers
// each, and when, is SQL (migration 0027, run by every scheduler tick); what each
// says is in ../email/templates/automation.ts. Every change is one SQL function,
// audited in the same transaction.

export { AUTOMATION_KEYS, builtInContent, isAutomationKey };
export type { AutomationContent, AutomationKey };

export interface Automation {
	key: AutomationKey;
	enabled: boolean;
	delay_days: number;
	/** Null: the built-in words. */
	content: AutomationContent | null;
	topic: string | null;
	enabled_since: string;
	updated_at: string | null;
}

export interface AutomationSummary extends Automation {
	/** Sent in the last 30 days. */
	sent: number;
	/** Queued, not yet sent. */
	waiting: number;
}

const COLUMNS = 'key, enabled, delay_days, content, topic, enabled_since, updated_at';

/** Whether staff choose its delay (the petition thank-you goes when they sign). */
export function hasDelay(key: AutomationKey): boolean {
	return key !== 'petition-thanks';
}

/** Every automation, in the order a supporter meets them, with what each sent lately. */
export async function list(): Promise<AutomationSummary[]> {
	const db = serviceDb();
	const [rows, counts] = await Promise.all([
		db.from('email_automations').select(COLUMNS),
		db.rpc('email_automation_counts')
	]);
	const byKey = new Map((must(rows) as Automation[]).map((row) => [row.key, row]));
	const numbers = (must(counts) ?? {}) as Record<string, { sent: number; waiting: number }>;
	return AUTOMATION_KEYS.flatMap((key) => {
		const row = byKey.get(key);
		if (!row) return [];
		return [{ ...row, sent: numbers[key]?.sent ?? 0, waiting: numbers[key]?.waiting ?? 0 }];
	});
}

export async function get(key: string): Promise<Automation | null> {
	if (!isAutomationKey(key)) return null;
	return must(
		await serviceDb().from('email_automations').select(COLUMNS).eq('key', key).maybeSingle()
	) as Automation | null;
}

const MERGE_FIELD = /\{\{[^}]*\}\}/g;
const FIRST_NAME = /^\{\{\s*first_name\s*(\|[^}]*)?\}\}$/;

/**
 * Merge fields this email cannot fill, by form field (prefix a_<lang>_): an
 * automation goes out unattended, so a {{last_name}} that would reach supporters
 * as written is refused when it is saved.
 */
export function mergeFieldErrors(key: AutomationKey, content: AutomationContent): FieldErrors {
	const allowed = ['{{first_name}}', ...extraMergeFields(key)];
	const known = (field: string) =>
		FIRST_NAME.test(field) || extraMergeFields(key).includes(field.replace(/\s+/g, ''));
	const errors: FieldErrors = {};
	for (const language of LANGUAGES) {
		const text = content[language];
		const fields = {
			subject: text.subject,
			preheader: text.preheader,
			body: text.body,
			cta_label: text.cta?.label ?? ''
		};
		for (const [name, value] of Object.entries(fields)) {
			const unknown = (value.match(MERGE_FIELD) ?? []).filter((field) => !known(field));
			if (unknown.length > 0) {
				errors[`a_${language}_${name}`] = [
					m.automation_error_merge_field({
						fields: unknown.join(', '),
						allowed: allowed.join(', ')
					})
				];
			}
		}
	}
	return errors;
}

/**
 * Saves staff's words for an automation (frozen now: sanitised HTML and numbered
 * links, as every recipient will get them) and its delay (null leaves it; the
 * petition thank-you has none). Emails queued from now on say this; the other app
 * instances pick it up within a minute. False for an unknown automation.
 */
export async function save(
	actor: { id: string },
	key: AutomationKey,
	fields: { delayDays: number | null; content: AutomationContent },
	ip: string
): Promise<boolean> {
	const { rendered, links } = freezeAutomation(key, fields.content);
	const saved = must(
		await serviceDb().rpc('email_automation_save', {
			p_actor: actor.id,
			p_key: key,
			p_delay_days: hasDelay(key) ? fields.delayDays : null,
			p_content: fields.content,
			p_rendered: rendered,
			p_links: links,
			p_ip: ip
		})
	) as boolean;
	forgetWords(key);
	return saved;
}

/** Back to the built-in words (the delay stays). */
export async function reset(
	actor: { id: string },
	key: AutomationKey,
	ip: string
): Promise<boolean> {
	const saved = must(
		await serviceDb().rpc('email_automation_save', {
			p_actor: actor.id,
			p_key: key,
			p_delay_days: null,
			p_content: null,
			p_rendered: null,
			p_links: [],
			p_ip: ip
		})
	) as boolean;
	forgetWords(key);
	return saved;
}

/**
 * Turns an automation on or off. On, it reacts only to what happens from now on
 * (nobody who subscribed or gave before is emailed for it); off, nothing more is
 * queued and what it queued and has not gone is cancelled (`cancelled`).
 */
export async function setEnabled(
	actor: { id: string },
	key: AutomationKey,
	enabled: boolean,
	ip: string
): Promise<{ changed: boolean; cancelled: number }> {
	return must(
		await serviceDb().rpc('email_automation_set_enabled', {
			p_actor: actor.id,
			p_key: key,
			p_enabled: enabled,
			p_ip: ip
		})
	) as { changed: boolean; cancelled: number };
}

/**
 * An automation's email as a sample supporter gets it in `language`: with
 * `content` (words being edited, not saved), or as saved. The links are left as
 * they are, with the subject and preview text shown above, as an inbox would.
 */
export async function preview(
	key: AutomationKey,
	language: Language,
	content?: AutomationContent
): Promise<string> {
	const sample = m.automation_preview_sample_name({}, { locale: language });
	const frozen = content ? freezeAutomation(key, content) : null;
	let template: 'automation' | 'petition-thanks';
	let data: unknown;
	let words: { subject: string; preheader: string };
	if (key === 'petition-thanks') {
		const petition = await openPetition(language);
		const queued = {
			petition: petition?.slug ?? 'example',
			referral: 'a1b2c3d4e5',
			title: petition?.title ?? m.automation_preview_sample_petition({}, { locale: language })
		};
		const prepared = frozen
			? {
					...queued,
					words: petitionThanksWords(frozen.rendered[language], queued.title),
					links: frozen.links
				}
			: (await preparePetitionThanks(queued, language, { fresh: true })).data;
		template = 'petition-thanks';
		data = prepared;
		words = prepared.words ?? {
			subject: m.petition_email_subject({}, { locale: language }),
			preheader: m.petition_email_thanks({ title: queued.title }, { locale: language })
		};
	} else {
		const prepared = frozen
			? { automation: key, ...frozen.rendered[language], links: frozen.links }
			: await automationEmailData(key, language, { fresh: true });
		template = 'automation';
		data = prepared;
		words = prepared;
	}
	const email = renderEmail({
		template,
		kind: key === 'petition-thanks' ? 'transactional' : 'broadcast',
		language,
		data,
		to: 'preview@example.org',
		from: emailSettings.from,
		recipient: recipientFields({ firstName: sample, emailToken: null, language }),
		givenName: sample
	});
	const preheader = fillFirstName(words.preheader, sample, sample, (text) => text);
	const inbox =
		`<div style="font:14px/1.4 Arial,Helvetica,sans-serif;padding:10px 14px;background:#fff;` +
		`color:#1a1a1a;border-bottom:1px solid #d0ccc2"><strong>${escapeHtml(email.subject)}</strong>` +
		`<br><span style="color:#4a4a4a">${escapeHtml(preheader)}</span></div>`;
	return email.html
		.replace('<head>', '<head><base target="_blank">')
		.replace(/<body([^>]*)>/, `<body$1>${inbox}`);
}
