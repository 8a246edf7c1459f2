import { describe, expect, it } from 'vitest';
import { decodeFile, readCsvFile } from './read-file.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
	const bytes = new Uint8Array(2 + text.length * 2);
	bytes.set(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
	for (let index = 0; index < text.length; index += 1) {
		const code = text.charCodeAt(index);
		const [high, low] = [code >> 8, code & 0xff];
		bytes.set(endian === 'le' ? [low, high] : [high, low], 2 + index * 2);
	}
	return bytes;
}

describe('decodeFile', () => {
	it.each([
		['UTF-8', utf8('Prénom,Courriel\nÉlise,e@x.ca')],
		[
			'UTF-8 with a byte-order mark (Excel’s “CSV UTF-8”)',
			utf8('\uFEFFPrénom,Courriel\nÉlise,e@x.ca')
		],
		['UTF-16 little-endian with its mark', utf16('Prénom,Courriel\nÉlise,e@x.ca', 'le')],
		['UTF-16 big-endian with its mark', utf16('Prénom,Courriel\nÉlise,e@x.ca', 'be')]
	])('reads %s, without the mark', (_, bytes) => {
		expect(decodeFile(bytes)).toBe('Prénom,Courriel\nÉlise,e@x.ca');
	});

	it('refuses Windows-1252 (Excel’s plain “CSV”) rather than garble its accents', () => {
		// "Prénom" with é as the single byte 0xE9.
		expect(decodeFile(new Uint8Array([0x50, 0x72, 0xe9, 0x6e, 0x6f, 0x6d]))).toBeUndefined();
	});

	it('refuses UTF-16 without a byte-order mark', () => {
		expect(decodeFile(utf16('Email\na@b.ca', 'le').subarray(2))).toBeUndefined();
	});
});

describe('readCsvFile', () => {
	it('numbers rows as a spreadsheet does, skips blank lines, keeps every cell as text', () => {
		const read = readCsvFile(
			utf8('Email,First name,Postal code\r\na@x.ca,Ana,01234\r\n\r\n"b@x.ca","Bo, Jr.",=1+1\r\n')
		);
		expect(read).toEqual({
			ok: true,
			file: {
				headers: ['Email', 'First name', 'Postal code'],
				rows: [
					{ row: 2, cells: ['a@x.ca', 'Ana', '01234'] },
					{ row: 4, cells: ['b@x.ca', 'Bo, Jr.', '=1+1'] }
				],
				mapping: ['email', 'first_name', 'postal_code']
			}
		});
	});

	it('reads a French Excel file separated by semicolons', () => {
		const read = readCsvFile(
			utf8('\uFEFFCourriel;Prénom;Nom;Langue\nmarie@x.ca;Marie;Roy;Français\n')
		);
		expect(read.ok && read.file.mapping).toEqual(['email', 'first_name', 'last_name', 'language']);
		expect(read.ok && read.file.rows[0].cells).toEqual(['marie@x.ca', 'Marie', 'Roy', 'Français']);
	});

	it('keeps a quoted cell that spans lines as one cell of one row', () => {
		const read = readCsvFile(utf8('email,note\na@x.ca,"line one\nline two"\nb@x.ca,ok\n'));
		expect(read.ok && read.file.rows).toEqual([
			{ row: 2, cells: ['a@x.ca', 'line one\nline two'] },
			{ row: 3, cells: ['b@x.ca', 'ok'] }
		]);
	});

	it.each([
		['an empty file', new Uint8Array(), 'empty'],
		['a file of blank lines', utf8('\n \n'), 'empty'],
		['column names and no rows', utf8('email,name\n'), 'no_rows'],
		['no email-like column', utf8('name,city\nAna,Montréal\n'), 'no_email'],
		[
			'a file that is not UTF-8',
			new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x0a]),
			'encoding'
		]
	])('says why it cannot import %s', (_, bytes, code) => {
		expect(readCsvFile(bytes)).toEqual({ ok: false, problem: { code } });
	});

	it('names the row of a quotation mark that is never closed', () => {
		expect(readCsvFile(utf8('email,name\na@x.ca,Ana\nb@x.ca,"Bo\nc@x.ca,Cy\n'))).toEqual({
			ok: false,
			problem: { code: 'quotes', row: 3 }
		});
	});

	it('finds the email column by its values when its name says nothing', () => {
		const read = readCsvFile(utf8('Who,Contact\nAna,ana@x.ca\nBo,bo@x.ca\n'));
		expect(read.ok && read.file.mapping).toEqual(['ignore', 'email']);
	});
});
