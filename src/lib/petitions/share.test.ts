import { describe, expect, it } from 'vitest';
import { isReferralCode, referralUrl, shareLinks } from './share.ts';

describe('share links', () => {
	it('carry the referral code, in the reader’s language', () => {
		expect(referralUrl('https://champions.example', '/fr/petitions/courts', 'a1b2c3d4e5')).toBe(
			'https://champions.example/fr/petitions/courts?ref=a1b2c3d4e5'
		);
	});

	it('put the link, encoded, in each network’s share address', () => {
		const url = 'https://champions.example/petitions/courts?ref=a1b2c3d4e5';
		const links = shareLinks({ url, text: 'I signed & you can too', subject: 'Sign this' });
		const encoded = encodeURIComponent(url);
		expect(links.whatsapp).toBe(
			`https://wa.me/?text=${encodeURIComponent('I signed & you can too')}%20${encoded}`
		);
		expect(links.facebook).toBe(`https://www.facebook.com/sharer/sharer.php?u=${encoded}`);
		expect(links.x).toContain(`&url=${encoded}`);
		expect(links.email).toMatch(/^mailto:\?subject=Sign%20this&body=/);
		expect(decodeURIComponent(links.email.split('body=')[1])).toContain(url);
	});

	it.each([
		['a1b2c3d4e5', true],
		['A1B2C3D4E5', false],
		['a1b2c3d4e', false],
		["a1b2c3d4e5'", false],
		[null, false]
	])('knows %s is a referral code: %s', (code, known) => {
		expect(isReferralCode(code)).toBe(known);
	});
});
