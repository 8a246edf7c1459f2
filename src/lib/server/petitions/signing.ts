import { CHARITY_NAME, SITE_URL } from '$app/env/public';
import { PETITION_RATE_PER_EMAIL, PETITION_RATE_PER_IP } from '$app/env/private';
import { m } from '#lib/paraglide/messages.js';
import { localizeHref } from '#lib/paraglide/runtime.js';
import { isReferralCode } from '#lib/petitions/share.ts';
import type { PetitionSignatureInput } from '#lib/schemas/petition.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { DatabaseError, must, serviceDb } from '../db.ts';
import type { Language } from '../email/types.ts';
import * as formToken from './form-token.ts';

// Signing a petition from the public form (and its embed): the spam checks, then
// one call to the SQL function petition_sign, which takes the rate limits and does
// the rest in one transaction (supporter, signature, consent, thank-you email, count).

const RATE_WINDOW_SECONDS = 60 * 60;

/** Where a signature came from, as staff see it. */
export type SignatureSource = 'direct' | 'share' | 'embed';

export type SignOutcome =
	/** Signed: their thank-you page is /petitions/<slug>/thanks/<thanksToken>. */
	| { kind: 'signed'; thanksToken: string; count: number }
	/** This address had signed already (any letter case): nothing changed. */
	| { kind: 'already'; count: number }
	/** A draft, closed or past its deadline. */
	| { kind: 'closed' }
	/** The honeypot was filled, or the form came back too fast, or its token is old or forged. */
	| { kind: 'spam'; reason: 'honeypot' | 'too-fast' | 'expired' }
	| { kind: 'rate-limited'; by: 'ip' | 'email' };

/** The exact words beside the consent box, as stored with the consent. */
export function consentWording(language: Language): string {
	return m.petition_consent_label({ name: CHARITY_NAME }, { locale: language });
}

/** The words of the second chance on the thank-you page. */
export function laterConsentWording(language: Language): string {
	return m.petition_later_label({ name: CHARITY_NAME }, { locale: language });
}

/**
 * Signs `petition` for the person in `fields`, once per email address whatever its
 * letter case. Spam is refused with a reason (never silently): a filled honeypot, a
 * form sent back sooner than the minimum fill time, more than PETITION_RATE_PER_IP
 * attempts from one IP or PETITION_RATE_PER_EMAIL for one address in an hour.
 */
export async function sign(options: {
	petition: string;
	fields: PetitionSignatureInput;
	/** The form's served-at token and honeypot field, as sent. */
	formToken: string;
	honeypot: string;
	referral: string | null;
	source: SignatureSource;
	language: Language;
	ip: string;
}): Promise<SignOutcome> {
	if (options.honeypot.trim() !== '') return { kind: 'spam', reason: 'honeypot' };
	const fill = await formToken.check(options.formToken);
	if (fill !== 'ok') return { kind: 'spam', reason: fill };

	const { fields, language } = options;
	const email = fields.email.trim();
	const thanksToken = newToken();
	const referral = isReferralCode(options.referral) ? options.referral : null;
	const path = options.source === 'embed' ? '/embed/petitions/' : '/petitions/';
	const { data, error } = await serviceDb().rpc('petition_sign', {
		p_signature: {
			petition: options.petition,
			email,
			first_name: fields.first_name,
			last_name: fields.last_name,
			postal_code: fields.postal_code,
			comment: fields.comment,
			show_name: fields.show_name,
			language,
			consent: fields.consent,
			consent_wording: consentWording(language),
			consent_source: `${path}${options.petition}`,
			referral,
			source: options.source === 'direct' && referral ? 'share' : options.source,
			thanks_token_hash: hashToken(thanksToken),
			limits: [
				{
					name: 'ip',
					key: `petition:ip:${options.ip}`,
					limit: PETITION_RATE_PER_IP,
					window_seconds: RATE_WINDOW_SECONDS
				},
				{
					name: 'email',
					key: `petition:email:${hashToken(email.toLowerCase())}`,
					limit: PETITION_RATE_PER_EMAIL,
					window_seconds: RATE_WINDOW_SECONDS
				}
			]
		}
	});
	if (error) {
		if (error.message === 'not_open') return { kind: 'closed' };
		// Lost a race for the last slot of a limit: everything was undone.
		if (error.message === 'rate_limited')
			return { kind: 'rate-limited', by: error.details === 'email' ? 'email' : 'ip' };
		throw new DatabaseError(error.message, error.code);
	}
	const result = data as { already?: boolean; count?: number; limited?: 'ip' | 'email' };
	if (result.limited) return { kind: 'rate-limited', by: result.limited };
	if (result.already) return { kind: 'already', count: result.count! };
	return { kind: 'signed', thanksToken, count: result.count! };
}

/** A thank-you page's token as sign() makes them; anything else is unknown. */
export function isThanksToken(token: string): boolean {
	return /^[a-z2-7]{32}$/.test(token);
}

export interface Thanks {
	referral_code: string;
	/** Signatures made through their links. */
	referred: number;
	/** They did not tick the box and are not subscribed otherwise: ask once more. */
	consent_offered: boolean;
	petition: {
		slug: string;
		title: string;
		count: number;
		goal: number | null;
		/** Origins that may frame its embed. */
		embed_origins: string[];
		/** The campaign to give to, when it is published. */
		campaign: string | null;
	};
}

/** A signer's thank-you page, by their token (null when it matches no signature of `slug`). */
export async function thanks(
	slug: string,
	token: string,
	language: Language
): Promise<Thanks | null> {
	if (!isThanksToken(token)) return null;
	return must(
		await serviceDb().rpc('petition_thanks', {
			p_slug: slug,
			p_token_hash: hashToken(token),
			p_language: language
		})
	) as Thanks | null;
}

/**
 * "Yes, email me the results", from the thank-you page of a signer who did not
 * tick the box: an express consent with the words shown. True when recorded (once).
 */
export async function consentLater(options: {
	slug: string;
	token: string;
	language: Language;
	embed: boolean;
}): Promise<boolean> {
	if (!isThanksToken(options.token)) return false;
	return must(
		await serviceDb().rpc('petition_thanks_consent', {
			p_token_hash: hashToken(options.token),
			p_wording: laterConsentWording(options.language),
			p_source: `${options.embed ? '/embed' : ''}/petitions/${options.slug}/thanks`
		})
	) as boolean;
}

/** The petition's public address in `language`, from SITE_URL (for share links and the embed snippet). */
export function publicUrl(path: string, language: Language): string {
	return SITE_URL + localizeHref(path, { locale: language });
}
