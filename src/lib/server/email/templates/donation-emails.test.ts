import { describe, expect, it } from 'vitest';
import { renderEmail } from '../render.ts';
import type { DonationReceiptData, DonationThanksData, DonationTributeData } from './donations.ts';

// The donation emails as their prepare step hands them over (tests/integration/
// donation-emails.test.ts runs that step against the database): in the donor's
// language, with what they gave, and never an amount in a tribute notice.

function render(template: string, data: unknown, language: 'en' | 'fr', firstName = 'Marie') {
	const email = renderEmail({
		template,
		kind: 'transactional',
		language,
		data,
		to: 'marie@example.org',
		from: 'IJM Canada <giving@example.org>',
		recipient: { firstName, unsubscribeUrl: '', keepConsentUrl: '' }
	});
	return { ...email, text: email.text.replace(/\s+/g, ' ') };
}

const thanks: DonationThanksData = {
	amountCents: 5000,
	currency: 'cad',
	frequency: 'one_time',
	receivedOn: '2026-11-28',
	campaign: null,
	tribute: null,
	test: false,
	receipt: { serial: '2026-000001', test: false }
};

describe('the donation thank-you email', () => {
	it('thanks a one-time donor by name, with the amount, the day, where it goes and the receipt', () => {
		const email = render('donation-thanks', thanks, 'en');
		expect(email.subject).toBe('Thank you for your gift');
		expect(email.text).toContain('Hello Marie,');
		expect(email.text).toContain('Thank you for your gift of $50, received on November 28, 2026.');
		expect(email.text).toContain('Your gift goes where it is most needed.');
		expect(email.text).toContain(
			'Your official receipt for income tax purposes, No. 2026-000001, is attached.'
		);
		expect(email.text).toMatch(/Manage my giving \[?https?:\/\/[^\s\]]+\/giving\]?/);
		expect(email.text).not.toContain('test');
	});

	it('tells a monthly donor it comes each month until they change it, in French', () => {
		const email = render(
			'donation-thanks',
			{
				...thanks,
				frequency: 'monthly',
				amountCents: 2550,
				campaign: 'Libérer les enfants',
				tribute: { kind: 'memory', name: 'Jeanne' },
				receipt: null
			},
			'fr'
		);
		expect(email.subject).toBe('Merci pour votre don mensuel');
		expect(email.text).toContain('Bonjour Marie,');
		expect(email.text).toContain('Merci pour votre don mensuel de 25,50 $.');
		expect(email.text).toContain('Nous avons reçu le premier le 28 novembre 2026.');
		expect(email.text).toMatch(/jusqu’à ce que vous le changiez à https?:\/\/\S+\/fr\/giving\./);
		expect(email.text).toContain('Votre don soutient Libérer les enfants.');
		expect(email.text).toContain('Vous avez donné à la mémoire de Jeanne.');
		expect(email.text).not.toContain('reçu officiel');
	});

	it('says a test gift charged nothing and its receipt is a sample', () => {
		const email = render(
			'donation-thanks',
			{ ...thanks, test: true, receipt: { serial: 'TEST-2026-000003', test: true } },
			'en'
		);
		expect(email.text).toContain('no money was charged');
		expect(email.text).toContain(
			'A sample receipt, No. TEST-2026-000003, is attached. It is not an official receipt'
		);
	});
});

const receipt: DonationReceiptData = {
	serial: '2026-000007',
	kind: 'gift',
	taxYear: 2026,
	amountCents: 7500,
	currency: 'cad',
	replaces: null,
	test: false
};

describe('the receipt email', () => {
	it('names the receipt it carries', () => {
		const email = render('donation-receipt', receipt, 'en');
		expect(email.subject).toBe('Your official receipt No. 2026-000007');
		expect(email.text).toContain(
			'Your official receipt for income tax purposes, No. 2026-000007, for $75, is attached.'
		);
		expect(render('donation-receipt', receipt, 'fr').subject).toBe(
			'Votre reçu officiel nº 2026-000007'
		);
	});

	it('says which receipt a corrected one cancels and replaces', () => {
		const email = render('donation-receipt', { ...receipt, replaces: '2026-000005' }, 'en');
		expect(email.subject).toBe('Corrected receipt No. 2026-000007');
		expect(email.text).toContain(
			'Corrected receipt No. 2026-000007, which cancels and replaces No. 2026-000005, is attached.'
		);
		const french = render('donation-receipt', { ...receipt, replaces: '2026-000005' }, 'fr');
		expect(french.subject).toBe('Reçu corrigé nº 2026-000007');
		expect(french.text).toContain('qui annule et remplace le nº 2026-000005');
	});

	it('gives a monthly donor their receipt for the year', () => {
		const annual = { ...receipt, kind: 'annual' as const, amountCents: 30000 };
		expect(render('donation-receipt', annual, 'en').subject).toBe('Your receipt for 2026');
		expect(render('donation-receipt', annual, 'en').text).toContain('$300 in all');
		expect(render('donation-receipt', annual, 'fr').subject).toBe('Votre reçu pour 2026');
	});
});

const tribute: DonationTributeData = {
	donorFirstName: 'Paul',
	kind: 'honour',
	name: 'Grand-maman Rose'
};

describe('the tribute notice', () => {
	it('says who gave in whose honour, and never how much', () => {
		const email = render('donation-tribute', tribute, 'en', 'friend');
		expect(email.subject).toBe('A gift in honour of Grand-maman Rose');
		expect(email.text).toContain('Hello,');
		expect(email.text).toContain(
			'Paul made a gift to IJM Canada in honour of Grand-maman Rose, and asked us to let you know.'
		);
		expect(email.text).not.toMatch(/\$|\d+[.,]\d\d/);
		expect(email.text).not.toContain('friend');
	});

	it('tells the person honoured why they got it, not that they did something on our site', () => {
		const email = render('donation-tribute', tribute, 'en');
		expect(email.text).toContain('because the donor gave us your address for it');
		expect(email.text).not.toContain('something you did on our site');
	});

	it('does not name an anonymous donor, in French too', () => {
		const email = render(
			'donation-tribute',
			{ ...tribute, donorFirstName: null, kind: 'memory' },
			'fr'
		);
		expect(email.subject).toBe('Un don à la mémoire de Grand-maman Rose');
		expect(email.text).toContain(
			'Quelqu’un a fait un don à IJM Canada à la mémoire de Grand-maman Rose'
		);
		expect(email.text).not.toContain('Paul');
	});
});

describe('the failed renewal email', () => {
	it('says which monthly gift did not go through and where to update the card', () => {
		const email = render(
			'donation-renewal-failed',
			{ recurring_gift_id: 'r1', amount_cents: 2500, currency: 'cad' },
			'en'
		);
		expect(email.subject).toBe('Your monthly gift did not go through');
		expect(email.text).toContain('Your monthly gift of $25 did not go through.');
		expect(email.text).toMatch(/Update my card \[?https?:\/\/[^\s\]]+\/giving\]?/);
		const french = render(
			'donation-renewal-failed',
			{ recurring_gift_id: 'r1', amount_cents: 2500, currency: 'cad' },
			'fr'
		);
		expect(french.text).toContain('Votre don mensuel de 25 $ n’a pas pu être prélevé.');
		expect(french.text).toMatch(/\/fr\/giving/);
	});
});
