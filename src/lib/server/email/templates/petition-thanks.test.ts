import { describe, expect, it } from 'vitest';
import { renderEmail } from '../render.ts';

// The thank-you email petition_sign queues: its words in the signer's language,
// their own share link (with their referral code) and the petition's address.

const data = {
	petition: 'protect-children-online',
	referral: 'a1b2c3d4e5',
	title: 'Stop it <now> & here'
};

function render(language: 'en' | 'fr') {
	return renderEmail({
		template: 'petition-thanks',
		kind: 'transactional',
		language,
		data,
		to: 'marie@example.org',
		from: 'IJM Canada <updates@example.org>',
		recipient: { firstName: 'Marie', unsubscribeUrl: '', keepConsentUrl: '' }
	});
}

describe('the petition thank-you email', () => {
	it('thanks them in English with their share link and the petition’s address', () => {
		const email = render('en');
		expect(email.subject).toBe('Thank you for signing');
		expect(email.text).toContain('Hello Marie,');
		expect(email.text.replace(/\s+/g, ' ')).toContain(
			'Thank you for signing “Stop it <now> & here”.'
		);
		expect(email.text).toMatch(/\/petitions\/protect-children-online\?ref=a1b2c3d4e5/);
		expect(email.html).toContain('Stop it &lt;now');
		expect(email.html).not.toContain('<now>');
		expect(email.headers?.['List-Unsubscribe']).toBeUndefined();
	});

	it('is in French for a French signer, with French links', () => {
		const email = render('fr');
		expect(email.subject).toBe('Merci d’avoir signé');
		expect(email.text).toContain('Bonjour Marie,');
		expect(email.text).toMatch(/\/fr\/petitions\/protect-children-online\?ref=a1b2c3d4e5/);
	});
});
