import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { SITE_URL } from '$app/env/public';
import type { Language } from '../email/types.ts';

// What staff write for a broadcast, and what it becomes in the email.
//
// Staff write Markdown (it works in a plain textarea, with JavaScript off, and cannot
// carry a script or a style). It is turned into HTML with marked, and that HTML is
// sanitised with sanitize-html on the server whatever it came from, so nothing but
// the tags below ever reaches a supporter's inbox.

export const LANGUAGES = ['en', 'fr'] as const satisfies readonly Language[];
export const VARIANTS = ['a', 'b'] as const;
export type Variant = (typeof VARIANTS)[number];
export const CTA_KINDS = ['read', 'sign', 'give'] as const;
export type CtaKind = (typeof CTA_KINDS)[number];

export interface Cta {
	label: string;
	url: string;
	kind: CtaKind;
}

/** One language of one variant, as staff wrote it. */
export interface BroadcastText {
	subject: string;
	preheader: string;
	/** Markdown, with merge fields such as {{first_name|friend}}. */
	body: string;
	cta: Cta | null;
}

export type VariantContent = Record<Language, BroadcastText>;
/** Variant b exists only for an A/B test. */
export type BroadcastContent = { a: VariantContent; b?: VariantContent };

/** One language of one variant, as every recipient gets it (frozen when scheduled). */
export interface RenderedText {
	subject: string;
	preheader: string;
	/** Sanitised HTML; links are LINK_PLACEHOLDER(n), filled per recipient. */
	html: string;
}
export type RenderedContent = Partial<Record<Variant, Record<Language, RenderedText>>>;

const ALLOWED: sanitizeHtml.IOptions = {
	allowedTags: [
		'p',
		'br',
		'h2',
		'h3',
		'strong',
		'em',
		'b',
		'i',
		'a',
		'ul',
		'ol',
		'li',
		'blockquote',
		'img',
		'hr'
	],
	allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'] },
	allowedSchemes: ['https', 'http', 'mailto'],
	allowedSchemesByTag: { img: ['https', 'http'] },
	allowProtocolRelative: false,
	// A heading written as "# Title" becomes h2: the email's own title is the subject.
	transformTags: { h1: 'h2', h4: 'h3', h5: 'h3', h6: 'h3' }
};

const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** Staff's Markdown as the sanitised HTML an email may carry. */
export function bodyToHtml(body: string): string {
	const html = markdown.parse(body) as string;
	return sanitizeHtml(html, ALLOWED);
}

// Merge fields. {{first_name}} or {{first_name|fallback}}: the recipient's first
// name, else the fallback (else the greeting's usual word, filled at send time).
const MERGE_FIELD = /\{\{\s*first_name\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

/** Where a recipient's first name goes; the fallback rides along, base64url-encoded. */
export function firstNamePlaceholder(fallback: string): string {
	return `Xq7FirstName${Buffer.from(fallback, 'utf8').toString('base64url')}Xq7`;
}
export const FIRST_NAME_PLACEHOLDER = /Xq7FirstName([A-Za-z0-9_-]*)Xq7/g;

/** Each recipient's first name (or the fallback) in place of the placeholders. */
export function fillFirstName(
	text: string,
	givenName: string | null,
	defaultFallback: string,
	escape: (text: string) => string
): string {
	return text.replace(FIRST_NAME_PLACEHOLDER, (_match, encoded: string) => {
		const fallback = Buffer.from(encoded, 'base64url').toString('utf8') || defaultFallback;
		return escape(givenName?.trim() || fallback);
	});
}

function mergeFields(text: string): string {
	return text.replace(MERGE_FIELD, (_match, fallback?: string) =>
		firstNamePlaceholder(fallback ?? '')
	);
}

/** What merge fields a text uses that we do not know ({{last_name}}), to warn staff. */
export function unknownMergeFields(text: string): string[] {
	const found = text.match(/\{\{[^}]*\}\}/g) ?? [];
	return found.filter((field) => !new RegExp(MERGE_FIELD.source).test(field));
}

// Links are tracked per recipient: a link in the frozen HTML is a placeholder with
// its number in the broadcast's link list; the worker puts in each recipient's
// signed tracking address (or the link itself, in a preview).
export const LINK_PLACEHOLDER_ORIGIN = 'https://link.invalid';
export const linkPlaceholder = (index: number) => `${LINK_PLACEHOLDER_ORIGIN}/${index}`;
export const LINK_PLACEHOLDER = /https:\/\/link\.invalid\/(\d+)/g;

/**
 * The links of a body that cannot work in an email: anything but http(s)://,
 * mailto: or a path on this site ("www.example.org", "donate", "#top").
 */
export function unusableLinks(body: string): string[] {
	const hrefs = [...bodyToHtml(body).matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) =>
		match[1].replaceAll('&amp;', '&')
	);
	return [...new Set(hrefs.filter((href) => !/^(https?:\/\/|mailto:|\/(?!\/))/.test(href)))];
}

/** A relative link ("/donate") made absolute: an email has no page to be relative to. */
export function absoluteUrl(url: string): string {
	if (url.startsWith('/')) return `${SITE_URL}${url}`;
	return url;
}

function escapeAttribute(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/**
 * Freezes what staff wrote into what recipients get: Markdown to sanitised HTML
 * with merge-field placeholders, the call to action as a button, and every link
 * numbered in `links` (the same URL gets one number).
 */
export function freezeContent(content: BroadcastContent): {
	rendered: RenderedContent;
	links: string[];
} {
	const links: string[] = [];
	const number = (url: string) => {
		const absolute = absoluteUrl(url);
		let index = links.indexOf(absolute);
		if (index === -1) index = links.push(absolute) - 1;
		return index;
	};
	const rendered: RenderedContent = {};
	for (const variant of VARIANTS) {
		const texts = content[variant];
		if (!texts) continue;
		const byLanguage = {} as Record<Language, RenderedText>;
		for (const language of LANGUAGES) {
			const text = texts[language];
			let html = bodyToHtml(text.body);
			if (text.cta) {
				html += `<p class="cta"><a class="button" href="${escapeAttribute(text.cta.url)}">${sanitizeHtml(text.cta.label, { allowedTags: [] })}</a></p>`;
			}
			// Each link's address becomes its number in `links` (sanitize-html reads
			// the tags, so words that look like an href are left alone); merge fields
			// are filled in the text only.
			html = sanitizeHtml(html, {
				...ALLOWED,
				// The button's own classes (added above; staff's were removed by bodyToHtml).
				allowedAttributes: {
					...ALLOWED.allowedAttributes,
					a: ['href', 'title', 'class'],
					p: ['class']
				},
				transformTags: {
					a: (tagName, attribs) => ({
						tagName,
						attribs: {
							...attribs,
							href:
								!attribs.href || attribs.href.startsWith('mailto:')
									? (attribs.href ?? '')
									: linkPlaceholder(number(attribs.href))
						}
					})
				}
			});
			html = mergeFields(html);
			byLanguage[language] = {
				subject: mergeFields(text.subject.trim()),
				preheader: mergeFields(text.preheader.trim()),
				html
			};
		}
		rendered[variant] = byLanguage;
	}
	return { rendered, links };
}

/** The links of frozen HTML back in place, untracked (previews, tests to staff). */
export function untrackedLinks(html: string, links: string[]): string {
	return html.replace(LINK_PLACEHOLDER, (match, index: string) => links[Number(index)] ?? match);
}

/** Where the open-tracking image goes; filled per recipient, or removed. */
export const OPEN_PIXEL_PLACEHOLDER = 'https://open.invalid/pixel.gif';
