import { fail, redirect } from '@sveltejs/kit';
import { getLocale, localizeHref } from '#lib/paraglide/runtime.js';
import { parseForm } from '#lib/schemas/form.ts';
import {
	PETITION_FIELDS,
	petitionSignatureSchema,
	type SignProblem
} from '#lib/schemas/petition.ts';
import * as formToken from './form-token.ts';
import { sign, type SignatureSource } from './signing.ts';

// The sign action of /petitions/<slug> and of its embed: one answer for each
// outcome, in the page's language. Signed: to the thank-you page (303). Refused:
// the form again with what was typed, and why, next to the field or above the form.

function text(value: FormDataEntryValue | null): string {
	return typeof value === 'string' ? value : '';
}

export async function signFromForm(options: {
	slug: string;
	request: Request;
	ip: string;
	source: Exclude<SignatureSource, 'share'>;
}) {
	const data = await options.request.formData();
	const token = text(data.get('started'));
	const form = parseForm(petitionSignatureSchema, data);
	// What was typed comes back; the spam checks' own fields never do.
	const values = Object.fromEntries(
		PETITION_FIELDS.filter((name) => form.values[name] !== undefined).map((name) => [
			name,
			form.values[name]
		])
	);
	if (!form.ok) return fail(400, { values, errors: form.errors, problem: null, token });

	const refused = (status: number, problem: SignProblem, nextToken = token) =>
		fail(status, { values, errors: {}, problem, token: nextToken });

	const outcome = await sign({
		petition: options.slug,
		fields: form.output,
		formToken: token,
		honeypot: text(data.get('website')),
		referral: text(data.get('ref')) || null,
		source: options.source,
		language: getLocale() === 'fr' ? 'fr' : 'en',
		ip: options.ip
	});
	switch (outcome.kind) {
		case 'signed': {
			const base = options.source === 'embed' ? '/embed/petitions' : '/petitions';
			redirect(303, localizeHref(`${base}/${options.slug}/thanks/${outcome.thanksToken}`));
		}
		// eslint-disable-next-line no-fallthrough -- redirect() throws
		case 'already':
			return { already: true, values: {}, errors: {}, problem: null, token };
		case 'closed':
			return refused(409, 'closed');
		case 'spam':
			// A form too old (or forged) is served again; one sent too fast keeps its time.
			return refused(
				400,
				outcome.reason,
				outcome.reason === 'expired' ? await formToken.issue() : token
			);
		case 'rate-limited':
			return refused(429, outcome.by === 'ip' ? 'rate-ip' : 'rate-email');
	}
}
