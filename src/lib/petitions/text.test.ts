import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, paragraphs } from './text.ts';

describe('plain text written by staff', () => {
	it('becomes paragraphs at blank lines, single line breaks kept inside one', () => {
		expect(paragraphs('Dear Minister,\n\nFirst.\nStill first.\r\n\r\n\n  Second.  \n\n')).toEqual([
			'Dear Minister,',
			'First.\nStill first.',
			'Second.'
		]);
	});

	it('shows dates and money as each language writes them', () => {
		expect(formatDate('2027-07-01T03:59:59Z', 'en')).toBe('June 30, 2027');
		expect(formatDate('2027-07-01T03:59:59Z', 'fr')).toBe('30 juin 2027');
		expect(formatMoney(5_000_000, 'cad', 'en')).toBe('$50,000');
		expect(formatMoney(5_000_050, 'cad', 'fr')).toMatch(/^50\s000,50\s\$$/);
	});
});
