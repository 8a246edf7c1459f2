import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { pdfText } from '../../../../tests/pdf-text.ts';
import { receiptFilename, renderReceiptPdf } from './receipt-pdf.ts';
import { NOT_SET, type Receipt } from './receipts.ts';

// The official receipt as the donor reads it: every field the CRA requires of a
// receipt for a cash gift, in the donor's language, and what makes a receipt not
// official (void, sample) or a correction said plainly on the page.

const official: Receipt = {
	id: '7f1f0c55-3a53-4f43-9d52-5c0b8a1c1a01',
	serial: '2026-000042',
	kind: 'gift',
	test: false,
	supporterId: '0d6f7c1e-0c7b-4c43-8f1e-2e1e7b1c1a02',
	taxYear: 2026,
	receivedOn: '2026-11-28',
	issuedAt: '2026-11-29T15:30:00Z',
	issuedLocation: 'Toronto, Ontario',
	charity: {
		legalName: 'International Justice Mission Canada',
		address: 'PO Box 40015, Waterloo ON N2J 4V1',
		registrationNumber: '123456789RR0001'
	},
	signatory: { name: 'Jamie McIntosh', title: 'Executive Director' },
	donor: { name: 'Marie-Ève Tremblay', address: '12 rue Saint-Denis\nMontréal QC H2X 1K4\nCanada' },
	amountCents: 12345,
	advantageCents: 0,
	eligibleCents: 12345,
	currency: 'cad',
	language: 'en',
	status: 'issued',
	voidedAt: null,
	voidReason: null,
	replaces: null,
	replacedBy: null,
	gifts: [
		{
			giftId: 'a1a1a1a1-0000-4000-8000-000000000001',
			receivedAt: '2026-11-28T18:00:00Z',
			amountCents: 12345
		}
	]
};

const flat = (text: string) => text.replace(/\s+/g, ' ');
const textOf = async (receipt: Receipt) => flat(await pdfText(await renderReceiptPdf(receipt)));

describe('the official receipt PDF', () => {
	it('carries every field the CRA requires, in English', async () => {
		const text = await textOf(official);
		for (const expected of [
			'Official receipt for income tax purposes',
			'International Justice Mission Canada',
			'PO Box 40015, Waterloo ON N2J 4V1',
			'Charitable registration number: 123456789RR0001',
			'Receipt No. 2026-000042',
			'Place of issue Toronto, Ontario',
			'Date gift received November 28, 2026',
			'Date issued November 29, 2026',
			'Donor’s name and address Marie-Ève Tremblay 12 rue Saint-Denis Montréal QC H2X 1K4 Canada',
			'Amount of gift $123.45',
			'Value and description of advantage None',
			'Eligible amount of gift for tax purposes $123.45',
			'Jamie McIntosh, Executive Director',
			'Authorized signature',
			'Canada Revenue Agency: canada.ca/charities-giving'
		]) {
			expect(text).toContain(expected);
		}
		expect(text).not.toMatch(/SAMPLE|VOID|Cancels and replaces/);
	});

	it('carries every field the CRA requires, in French', async () => {
		const text = await textOf({ ...official, language: 'fr' });
		for (const expected of [
			'Reçu officiel aux fins de l’impôt sur le revenu',
			'International Justice Mission Canada',
			'PO Box 40015, Waterloo ON N2J 4V1',
			'Numéro d’enregistrement de l’organisme de bienfaisance : 123456789RR0001',
			'Reçu nº 2026-000042',
			'Lieu de délivrance Toronto, Ontario',
			'Date de réception du don 28 novembre 2026',
			'Date de délivrance 29 novembre 2026',
			'Nom et adresse du donateur Marie-Ève Tremblay 12 rue Saint-Denis Montréal QC H2X 1K4 Canada',
			'Montant du don 123,45 $',
			'Valeur et description de l’avantage Aucun',
			'Montant admissible du don aux fins de l’impôt 123,45 $',
			'Jamie McIntosh, Executive Director',
			'Signature autorisée',
			'Agence du revenu du Canada : canada.ca/organismes-bienfaisance-dons'
		]) {
			expect(text).toContain(expected);
		}
		expect(text).not.toMatch(/SPÉCIMEN|ANNULÉ|Annule et remplace/);
	});

	it('prints an advantage’s value and takes it from the eligible amount', async () => {
		const text = await textOf({ ...official, advantageCents: 2345, eligibleCents: 10000 });
		expect(text).toContain('Value and description of advantage $23.45');
		expect(text).toContain('Eligible amount of gift for tax purposes $100.00');
	});

	it('for the year lists each gift’s date and amount', async () => {
		const annual: Receipt = {
			...official,
			serial: '2026-000100',
			kind: 'annual',
			receivedOn: null,
			amountCents: 7500,
			eligibleCents: 7500,
			gifts: [
				{ giftId: 'g1', receivedAt: '2026-01-15T17:00:00Z', amountCents: 2500 },
				{ giftId: 'g2', receivedAt: '2026-02-15T17:00:00Z', amountCents: 2500 },
				// Late evening in Toronto is already the next day in UTC: the receipt says Toronto's day.
				{ giftId: 'g3', receivedAt: '2026-03-16T02:30:00Z', amountCents: 2500 }
			]
		};
		const text = await textOf(annual);
		expect(text).toContain('Year gifts received 2026');
		expect(text).toContain('Total amount of gifts $75.00');
		expect(text).toContain('Gifts received in 2026 Date received Amount');
		expect(text).toContain(
			'January 15, 2026 $25.00 February 15, 2026 $25.00 March 15, 2026 $25.00'
		);
		expect(text).not.toContain('Date gift received');

		const french = await textOf({ ...annual, language: 'fr' });
		expect(french).toContain('Année de réception des dons 2026');
		expect(french).toContain('Montant total des dons 75,00 $');
		expect(french).toContain('15 janvier 2026 25,00 $');
	});

	it('runs onto a second page for a long list of gifts, each page numbered with the serial', async () => {
		const gifts = Array.from({ length: 60 }, (_, index) => ({
			giftId: `g${index}`,
			receivedAt: new Date(Date.UTC(2026, 0, 1 + index * 5, 17)).toISOString(),
			amountCents: 1000
		}));
		const bytes = await renderReceiptPdf({
			...official,
			kind: 'annual',
			receivedOn: null,
			amountCents: 60000,
			eligibleCents: 60000,
			gifts
		});
		const pages = (await PDFDocument.load(bytes)).getPageCount();
		expect(pages).toBeGreaterThan(1);
		const text = flat(await pdfText(bytes));
		for (let page = 1; page <= pages; page += 1) {
			expect(text).toContain(`Receipt No. 2026-000042 · Page ${page} of ${pages}`);
		}
		expect(text).toContain('October 23, 2026 $10.00');
		expect(text).toContain('Canada Revenue Agency: canada.ca/charities-giving');
	});

	it('says which receipt a corrected one cancels and replaces', async () => {
		const replacement = { ...official, replaces: { id: 'x', serial: '2026-000041' } };
		expect(await textOf(replacement)).toContain('Cancels and replaces receipt No. 2026-000041');
		expect(await textOf({ ...replacement, language: 'fr' })).toContain(
			'Annule et remplace le reçu nº 2026-000041'
		);
	});

	it('prints VOID on a voided receipt, with when, why and what replaced it, and every field still', async () => {
		const voided: Receipt = {
			...official,
			status: 'void',
			voidedAt: '2026-12-02T16:00:00Z',
			voidReason: 'partially_refunded',
			replacedBy: { id: 'y', serial: '2026-000043' }
		};
		const text = await textOf(voided);
		expect(text).toContain('VOID');
		expect(text).toContain(
			'This receipt was voided on December 2, 2026 and cannot be used for income tax purposes. Reason: part of the gift was refunded. It is replaced by receipt No. 2026-000043.'
		);
		expect(text).toContain('Receipt No. 2026-000042');
		expect(text).toContain('Eligible amount of gift for tax purposes $123.45');

		const french = await textOf({ ...voided, language: 'fr' });
		expect(french).toContain('ANNULÉ');
		expect(french).toContain('Ce reçu a été annulé le 2 décembre 2026');
	});

	it('says plainly that a test gift’s receipt is a sample, and still prints every field', async () => {
		const sample = { ...official, serial: 'TEST-2026-000007', test: true };
		const text = await textOf(sample);
		expect(text).toContain('SAMPLE — NOT AN OFFICIAL RECEIPT');
		expect(text).toContain('This receipt is for a test gift.');
		expect(text).toContain('Receipt No. TEST-2026-000007');
		expect(text).toContain('Charitable registration number: 123456789RR0001');
		expect(text).toContain('Canada Revenue Agency: canada.ca/charities-giving');

		const french = await textOf({ ...sample, language: 'fr' });
		expect(french).toContain('SPÉCIMEN — CE N’EST PAS UN REÇU OFFICIEL');
	});

	it('a sample made before the charity’s details were set says which are missing', async () => {
		const text = await textOf({
			...official,
			serial: 'TEST-2026-000008',
			test: true,
			issuedLocation: NOT_SET,
			charity: { ...official.charity, address: NOT_SET, registrationNumber: NOT_SET },
			signatory: { name: NOT_SET, title: '' }
		});
		expect(text).toContain('SAMPLE — NOT AN OFFICIAL RECEIPT');
		expect(text).toContain('The charity’s registered details were not set');
		expect(text).toContain('Charitable registration number: (not set)');
		expect(text).toContain('Place of issue (not set)');
		expect(text).toContain('Authorized signature');
	});

	it('names itself by its serial, and the same receipt makes the same bytes', async () => {
		const bytes = await renderReceiptPdf(official);
		const pdf = await PDFDocument.load(bytes);
		expect(pdf.getTitle()).toBe('Official receipt No. 2026-000042');
		expect(pdf.getSubject()).toContain('2026-000042');
		expect(receiptFilename(official.serial)).toBe('receipt-2026-000042.pdf');
		expect(Buffer.from(await renderReceiptPdf(official)).equals(Buffer.from(bytes))).toBe(true);
	});

	it('prints a name in a script the standard fonts lack without failing', async () => {
		const text = await textOf({ ...official, donor: { ...official.donor, name: 'Łukasz 王' } });
		expect(text).toContain('Lukasz ?');
	});
});
