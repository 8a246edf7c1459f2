import { convert } from 'html-to-text';
import juice from 'juice';
import { render } from 'svelte/server';
import { SITE_URL } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { EmailDataMissing, type AttachmentSource } from './prepare.ts';
import EmailDocument from './templates/EmailDocument.svelte';
import {
	isTemplateName,
	templates,
	type EmailTemplate,
	type RecipientFields
} from './templates/index.ts';
import { fillFirstName, LINK_PLACEHOLDER, OPEN_PIXEL_PLACEHOLDER } from '../broadcasts/content.ts';
import { openPixelUrl, trackedLinkUrl } from '../broadcasts/tracking.ts';
import type { BroadcastEmailData } from './templates/broadcast.ts';
import { emailSettings } from './settings.ts';
import type { EmailKind, Language, RenderedEmail } from './types.ts';

// Emails are rendered from Svelte components on the server, then their CSS is
// inlined (juice) so Gmail, Outlook and Apple Mail show them as designed, and a
// plain-text part is made from the same HTML.
//
// A broadcast renders the same template for thousands of people who differ only in
// merge fields. So a template is rendered and inlined once per (template, language,
// data) with placeholders for the recipient's fields, and each email is that result
// with the placeholders replaced: juice runs once per batch, not once per email.

const STYLES = `
body { margin: 0; padding: 0; background: #f3f1ec; }
.wrapper { background: #f3f1ec; padding: 24px 0; }
.container { max-width: 600px; width: 100%; background: #ffffff; border-radius: 8px; }
.brand { padding: 20px 32px; background: #0b3d5c; color: #ffffff; font: 700 20px/1.3 Arial, Helvetica, sans-serif; border-radius: 8px 8px 0 0; }
.content { padding: 24px 32px; color: #1a1a1a; font: 16px/1.55 Arial, Helvetica, sans-serif; }
.content p { margin: 0 0 16px; }
.cta { margin: 24px 0; }
.button { display: inline-block; padding: 12px 20px; background: #9a3412; color: #ffffff; font-weight: 700; text-decoration: none; border-radius: 6px; }
.footer { padding: 16px 32px 24px; color: #4a4a4a; font: 13px/1.5 Arial, Helvetica, sans-serif; border-top: 1px solid #e5e1d8; }
.footer a { color: #0b3d5c; }
.preheader { display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; color: #f3f1ec; }
`;

const PLACEHOLDERS: Required<RecipientFields> = {
	firstName: 'Xq7RecipientFirstNameXq7',
	unsubscribeUrl: 'https://recipient.invalid/Xq7UnsubscribeXq7',
	keepConsentUrl: 'https://recipient.invalid/Xq7KeepConsentXq7',
	preferencesUrl: 'https://recipient.invalid/Xq7PreferencesXq7'
};

interface RenderedTemplate {
	subject: string;
	html: string;
	text: string;
}

const CACHE_SIZE = 200;
/** Rendered templates with placeholders, keyed by template, kind, language and data. */
const rendered = new Map<string, RenderedTemplate>();

export class UnknownTemplateError extends Error {
	constructor(template: string) {
		super(`Unknown email template "${template}"`);
		this.name = 'UnknownTemplateError';
	}
}

function renderTemplate(template: string, kind: EmailKind, language: Language, data: unknown) {
	const key = `${template}|${kind}|${language}|${JSON.stringify(data)}`;
	const cached = rendered.get(key);
	if (cached) return cached;
	if (!isTemplateName(template)) throw new UnknownTemplateError(template);

	const definition = templates[template];
	const typedData = data as never;
	const subject = definition.subject(typedData, language);
	const { body } = render(EmailDocument, {
		props: {
			content: definition.component as never,
			data: typedData,
			language,
			kind,
			preheader: definition.preheader(typedData, language),
			footerWhy: 'footerWhy' in definition ? definition.footerWhy?.(language) : undefined,
			recipient: PLACEHOLDERS
		}
	});
	const document = `<!doctype html><html lang="${language === 'fr' ? 'fr-CA' : 'en-CA'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(subject)}</title><style>${STYLES}</style></head><body>${stripSvelteMarkers(body)}</body></html>`;
	const html = juice(document, { removeStyleTags: true, preserveMediaQueries: true });
	const text = convert(html, {
		wordwrap: 78,
		selectors: [
			{ selector: '.preheader', format: 'skip' },
			{ selector: 'a.button', format: 'anchor', options: { hideLinkHrefIfSameAsText: true } },
			{ selector: 'table', format: 'block' },
			{ selector: 'td', format: 'block' }
		]
	});
	const result = { subject, html, text };
	rendered.set(key, result);
	if (rendered.size > CACHE_SIZE) rendered.delete(rendered.keys().next().value!);
	return result;
}

/** The recipient's merge fields, with a fallback greeting when we have no first name. */
export function recipientFields(options: {
	firstName: string | null;
	emailToken: string | null;
	language: Language;
}): RecipientFields {
	const base = `${SITE_URL}${options.language === 'fr' ? '/fr' : ''}/email`;
	return {
		firstName:
			options.firstName?.trim() || m.email_greeting_fallback({}, { locale: options.language }),
		unsubscribeUrl: options.emailToken
			? `${base}/unsubscribe/${options.emailToken}`
			: `${SITE_URL}/email/unsubscribe`,
		keepConsentUrl: options.emailToken ? `${base}/keep/${options.emailToken}` : `${SITE_URL}/`,
		preferencesUrl: options.emailToken
			? `${SITE_URL}${options.language === 'fr' ? '/fr' : ''}/preferences/${options.emailToken}`
			: `${SITE_URL}/`
	};
}

/** One email, ready for the provider. */
export function renderEmail(options: {
	template: string;
	kind: EmailKind;
	language: Language;
	data: unknown;
	to: string;
	recipient: RecipientFields;
	from: string;
	replyTo?: string;
	/** The one-click unsubscribe address (RFC 8058), for broadcasts. */
	oneClickUrl?: string;
	/** The recipient's own first name, for a broadcast's {{first_name|fallback}} merge fields. */
	givenName?: string | null;
	/** Where a broadcast's link number `index` leads for this recipient (a tracked address). */
	trackedLink?: (index: number, url: string) => string;
	/** This recipient's open-tracking image, when the broadcast tracks opens. */
	openPixelUrl?: string | null;
}): RenderedEmail {
	const template = renderTemplate(options.template, options.kind, options.language, options.data);
	const links = linksOf(options.data);
	const fill = (value: string, escape: (text: string) => string) =>
		fillBroadcastFields(value, options, links, escape)
			.replaceAll(PLACEHOLDERS.firstName, escape(options.recipient.firstName))
			.replaceAll(PLACEHOLDERS.unsubscribeUrl, escape(options.recipient.unsubscribeUrl))
			.replaceAll(PLACEHOLDERS.keepConsentUrl, escape(options.recipient.keepConsentUrl))
			.replaceAll(PLACEHOLDERS.preferencesUrl, escape(options.recipient.preferencesUrl ?? ''));
	const headers: Record<string, string> = {};
	if (options.kind === 'broadcast' && options.oneClickUrl) {
		headers['List-Unsubscribe'] = `<${options.oneClickUrl}>`;
		headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
	}
	return {
		from: options.from,
		to: options.to,
		replyTo: options.replyTo,
		subject: fill(template.subject, (text) => text),
		html: fill(template.html, escapeHtml),
		text: fill(template.text, (text) => text),
		headers: Object.keys(headers).length > 0 ? headers : undefined
	};
}

/** A broadcast's data carries its links (see templates/broadcast.ts). */
function linksOf(data: unknown): string[] {
	const links = (data as { links?: unknown } | null)?.links;
	return Array.isArray(links) ? (links as string[]) : [];
}

// A broadcast's per-recipient fields: first names, its links (tracked, or as they
// are), and the open-tracking image (or nothing). Other templates have none of them.
function fillBroadcastFields(
	value: string,
	options: Parameters<typeof renderEmail>[0],
	links: string[],
	escape: (text: string) => string
): string {
	if (!value.includes('Xq7FirstName') && !value.includes('.invalid/')) return value;
	const fallback = m.email_greeting_fallback({}, { locale: options.language });
	return fillFirstName(value, options.givenName ?? null, fallback, escape)
		.replace(LINK_PLACEHOLDER, (match, index: string) => {
			const url = links[Number(index)];
			if (url === undefined) return match;
			return escape(options.trackedLink ? options.trackedLink(Number(index), url) : url);
		})
		.replace(OPEN_PIXEL_TAG, (tag) =>
			options.openPixelUrl ? tag.replace(OPEN_PIXEL_PLACEHOLDER, escape(options.openPixelUrl)) : ''
		);
}

const OPEN_PIXEL_TAG = new RegExp(
	`<img[^>]*${OPEN_PIXEL_PLACEHOLDER.replaceAll('.', '\\.')}[^>]*>`,
	'g'
);

function stripSvelteMarkers(html: string): string {
	return html.replace(/<!--(\[!?|\]|!|)-->/g, '').replace(/<!--[a-z0-9]{5,8}-->/g, '');
}

export function escapeHtml(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/**
 * An outbox row as it is sent: the From and Reply-To from settings, the
 * recipient's merge fields, and for a broadcast its one-click unsubscribe address
 * and, sent to its audience, its tracked links and open-tracking image.
 */
export function renderOutboxEmail(row: {
	id: number;
	template: string;
	kind: EmailKind;
	language: Language;
	data: unknown;
	to_email: string;
	first_name: string | null;
	email_token: string | null;
}): RenderedEmail {
	return renderEmail({
		template: row.template,
		kind: row.kind,
		language: row.language,
		data: row.data,
		to: row.to_email,
		from: emailSettings.from,
		replyTo: emailSettings.replyTo,
		recipient: recipientFields({
			firstName: row.first_name,
			emailToken: row.email_token,
			language: row.language
		}),
		oneClickUrl: row.email_token ? `${SITE_URL}/email/unsubscribe/${row.email_token}` : undefined,
		givenName: row.first_name,
		...(isTrackedBroadcast(row.template, row.data) && {
			trackedLink: (index: number) => trackedLinkUrl(row.id, index),
			openPixelUrl: (row.data as BroadcastEmailData).trackOpens ? openPixelUrl(row.id) : null
		})
	});
}

/** A broadcast sent to its audience, not a test to staff: its links (and opens) are tracked. */
function isTrackedBroadcast(template: string, data: unknown): boolean {
	return template === 'broadcast' && (data as Partial<BroadcastEmailData> | null)?.test === false;
}

/** A prepare step failed for a reason that may pass (the database did not answer): try later. */
export class EmailPrepareFailed extends Error {
	constructor(template: string, cause: unknown) {
		super(`preparing "${template}" failed: ${(cause as Error)?.message ?? cause}`, { cause });
		this.name = 'EmailPrepareFailed';
	}
}

/** An outbox row rendered, with the files to attach (made only when asked for). */
export interface ComposedEmail {
	email: RenderedEmail;
	attachments: AttachmentSource[];
}

/**
 * An outbox row as it is sent or shown: its template's prepare step first (for a
 * template queued with ids only), then rendered as `renderOutboxEmail` does.
 * Throws UnknownTemplateError or EmailDataMissing when it can never be sent, and
 * EmailPrepareFailed when preparing it failed for a reason that may pass.
 */
export async function composeOutboxEmail(
	row: Parameters<typeof renderOutboxEmail>[0]
): Promise<ComposedEmail> {
	if (!isTemplateName(row.template)) throw new UnknownTemplateError(row.template);
	const definition = templates[row.template] as EmailTemplate<unknown, unknown>;
	let data = row.data;
	let attachments: AttachmentSource[] = [];
	if (definition.prepare) {
		try {
			const prepared = await definition.prepare(row.data, row.language);
			data = prepared.data;
			attachments = prepared.attachments ?? [];
		} catch (error) {
			if (error instanceof EmailDataMissing) throw error;
			throw new EmailPrepareFailed(row.template, error);
		}
	}
	return { email: renderOutboxEmail({ ...row, data }), attachments };
}
