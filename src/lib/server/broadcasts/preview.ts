import { m } from '#lib/paraglide/messages.js';
import { escapeHtml, recipientFields, renderEmail } from '../email/render.ts';
import { emailSettings } from '../email/settings.ts';
import type { BroadcastEmailData } from '../email/templates/broadcast.ts';
import type { Language } from '../email/types.ts';
import { freezeContent, type BroadcastContent, type Variant } from './content.ts';

// The editor's preview: the email exactly as the worker would render it, for a
// sample supporter, with its links as they are (not tracked) and an inbox line
// (subject and preview text) on top. Served into an <iframe> with its own strict
// policy: no script runs in it, and its links open outside the editor.

export const PREVIEW_HEADERS = {
	'content-type': 'text/html; charset=utf-8',
	'content-security-policy':
		"default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'; " +
		"form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox",
	'x-frame-options': 'SAMEORIGIN',
	'cache-control': 'no-store',
	'referrer-policy': 'no-referrer'
};

export function previewHtml(
	content: BroadcastContent,
	language: Language,
	variant: Variant,
	broadcastId: string
): string {
	const { rendered, links } = freezeContent(content);
	const text = rendered[variant]?.[language] ?? rendered.a![language];
	const sample = m.broadcast_preview_sample_name({}, { locale: language });
	const data: BroadcastEmailData = {
		...text,
		broadcast: broadcastId,
		variant,
		links,
		trackOpens: false,
		test: false
	};
	const email = renderEmail({
		template: 'broadcast',
		kind: 'broadcast',
		language,
		data,
		to: 'preview@example.org',
		from: emailSettings.from,
		recipient: recipientFields({ firstName: sample, emailToken: null, language }),
		givenName: sample
	});
	const inbox =
		`<div style="font:14px/1.4 Arial,Helvetica,sans-serif;padding:10px 14px;background:#fff;` +
		`color:#1a1a1a;border-bottom:1px solid #d0ccc2"><strong>${escapeHtml(email.subject)}</strong>` +
		`<br><span style="color:#4a4a4a">${escapeHtml(text.preheader)}</span></div>`;
	return email.html
		.replace('<head>', '<head><base target="_blank">')
		.replace(/<body([^>]*)>/, `<body$1>${inbox}`);
}

/** Shown in the preview while the form has errors to fix. */
export function previewProblemHtml(language: Language): string {
	return `<!doctype html><html lang="${language}"><meta charset="utf-8"><title>${escapeHtml(
		m.broadcast_preview_fix({}, { locale: language })
	)}</title><p style="font:16px Arial,sans-serif;padding:16px">${escapeHtml(
		m.broadcast_preview_fix({}, { locale: language })
	)}</p></html>`;
}
