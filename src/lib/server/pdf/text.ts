import type { PDFFont } from 'pdf-lib';

// Text for PDFs drawn with pdf-lib's standard fonts (WinAnsi): what they can print,
// and words wrapped to a width. Shared by the petition delivery package and receipts.

/** Latin letters that do not decompose into a base letter and an accent. */
const LATIN_BASE: Record<string, string> = {
	Ł: 'L',
	ł: 'l',
	Đ: 'D',
	đ: 'd',
	Ħ: 'H',
	ħ: 'h',
	ı: 'i',
	Ŧ: 'T',
	ŧ: 't',
	Ŋ: 'N',
	ŋ: 'n',
	ĸ: 'k'
};

/**
 * Makes text printable in `font`: accents kept where it has them, else dropped,
 * else "?" (a standard font has no other scripts).
 */
export function printableIn(font: PDFFont): (text: string) => string {
	const encodable = new Set(font.getCharacterSet());
	return (text) =>
		[...text.replace(/\t/g, ' ')]
			.map((char) => {
				if (encodable.has(char.codePointAt(0)!)) return char;
				const bare = (LATIN_BASE[char] ?? char).normalize('NFKD').replace(/\p{M}/gu, '');
				return [...bare].every((part) => encodable.has(part.codePointAt(0)!)) && bare ? bare : '?';
			})
			.join('');
}

/** Printable words wrapped to `lineWidth`; a word longer than a line is cut. */
export function wrapText(text: string, font: PDFFont, size: number, lineWidth: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/ +/)) {
		const tried = line ? `${line} ${word}` : word;
		if (font.widthOfTextAtSize(tried, size) <= lineWidth) {
			line = tried;
			continue;
		}
		if (line) lines.push(line);
		let rest = word;
		while (font.widthOfTextAtSize(rest, size) > lineWidth) {
			let cut = rest.length - 1;
			while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > lineWidth) cut -= 1;
			lines.push(rest.slice(0, cut));
			rest = rest.slice(cut);
		}
		line = rest;
	}
	if (line) lines.push(line);
	return lines;
}
