import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from './export.ts';

describe('spreadsheetSafe', () => {
	it.each([
		['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
		['+1 555 0100', `'+1 555 0100`],
		['-2+3', `'-2+3`],
		['@SUM(A1:A2)', `'@SUM(A1:A2)`],
		['\t=1', `'\t=1`],
		['Marie-Ève', 'Marie-Ève'],
		['ana@example.org', 'ana@example.org'],
		[null, '']
	])('%j is written as %j', (value, written) => {
		expect(spreadsheetSafe(value)).toBe(written);
	});
});
