import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { deliveryPdf } from './delivery-pdf.ts';
import type { DeliveryRow } from './delivery.ts';

const row = (index: number, first: string | null, province: string | null = 'QC'): DeliveryRow => ({
	id: index,
	signed_at: '2026-11-29T15:00:00Z',
	signed_local: '2026-11-29 10:00',
	first_name: first,
	last_name: first ? 'Tremblay' : null,
	province,
	postal_fsa: 'H2X',
	comment: null
});

const input = {
	language: 'fr' as const,
	charityName: 'IJM Canada',
	text: { title: 'Agissez', target: 'Le ministre', letter: 'Monsieur le Ministre,\n\nAgissez.' },
	goal: 1000,
	sha256: 'a'.repeat(64),
	generatedAt: new Date('2026-11-29T15:00:00Z')
};

describe('the delivery package PDF', () => {
	it('is made whatever script a name is written in (the CSV keeps it exactly)', async () => {
		const bytes = await deliveryPdf({
			...input,
			rows: [row(1, 'Łukasz'), row(2, 'Đạt'), row(3, '王秀英'), row(4, 'Zoë'), row(5, null, null)]
		});
		const pdf = await PDFDocument.load(bytes);
		expect(pdf.getPageCount()).toBe(1);
		expect(pdf.getSubject()).toContain(input.sha256);
		expect(pdf.getTitle()).toBe('Agissez');
	});

	it('runs onto as many pages as the list needs, each with its number and the checksum', async () => {
		const rows = Array.from({ length: 500 }, (_, index) => row(index, index % 2 ? 'Awa' : null));
		const pdf = await PDFDocument.load(await deliveryPdf({ ...input, rows }));
		expect(pdf.getPageCount()).toBeGreaterThan(5);
	});
});
