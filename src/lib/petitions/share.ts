// The links a signer shares: each carries their referral code (?ref=), so the
// people who sign through it are counted as theirs.

export type ShareChannel = 'whatsapp' | 'facebook' | 'x' | 'email';

/** The petition's address with the signer's code, in the reader's language. */
export function referralUrl(siteUrl: string, petitionPath: string, code: string): string {
	const url = new URL(petitionPath, siteUrl);
	url.searchParams.set('ref', code);
	return url.href;
}

/** Where each share button goes: the network's own share page, or a new email. */
export function shareLinks(options: {
	url: string;
	/** The words that go with the link ("I signed: …"). */
	text: string;
	/** The email's subject. */
	subject: string;
}): Record<ShareChannel, string> {
	const { url, text, subject } = options;
	const q = encodeURIComponent;
	return {
		whatsapp: `https://wa.me/?text=${q(`${text} ${url}`)}`,
		facebook: `https://www.facebook.com/sharer/sharer.php?u=${q(url)}`,
		x: `https://x.com/intent/post?text=${q(text)}&url=${q(url)}`,
		email: `mailto:?subject=${q(subject)}&body=${q(`${text}\n\n${url}`)}`
	};
}

/** A referral code as petition_sign makes them (10 hex digits); anything else is ignored. */
export function isReferralCode(code: string | null | undefined): code is string {
	return typeof code === 'string' && /^[0-9a-f]{10}$/.test(code);
}
