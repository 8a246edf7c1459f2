import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { m } from '#lib/paraglide/messages.js';
import { printableIn, wrapText } from '../pdf/text.ts';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import type { DeliveryRow, Language } from './delivery.ts';

// The delivery package a petition's target receives, as a PDF made with pdf-lib
// (pure JavaScript: no browser, no native library, so it runs on any Node host
// and in a serverless function). It uses the PDF standard fonts, which carry
// Western European letters (French accents included); a character they lack is
// printed without its accent, or as "?", and the CSV keeps it exactly.

const PAGE = { width: 612, height: 792 }; // US Letter, in points
const MARGIN = 54;
const FOOTER = 40;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.35, 0.35, 0.35);

export interface DeliveryPdfInput {
	language: Language;
	charityName: string;
	text: { title: string; target: string; letter: string };
	goal: number | null;
	/** The signer list, oldest first, as petition_delivery_rows gives it. */
	rows: DeliveryRow[];
	/** SHA-256 of the CSV of the same rows, in the same language. */
	sha256: string;
	generatedAt: Date;
}

/** Counts by a key, largest first, then by key. */
function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export async function deliveryPdf(input: DeliveryPdfInput): Promise<Uint8Array> {
	const { language } = input;
	const locale = { locale: language };
	const number = new Intl.NumberFormat(language === 'fr' ? 'fr-CA' : 'en-CA');
	const doc = await PDFDocument.create();
	const regular = await doc.embedFont(StandardFonts.Helvetica);
	const bold = await doc.embedFont(StandardFonts.HelveticaBold);
	/** Text the standard fonts can print (see ../pdf/text.ts). */
	const printable = printableIn(regular);

	doc.setTitle(printable(input.text.title));
	doc.setAuthor(input.charityName);
	doc.setSubject(m.petition_admin_pdf_checksum_label({}, locale) + ' ' + input.sha256);
	doc.setKeywords([`sha256:${input.sha256}`]);
	doc.setCreator(input.charityName);
	doc.setProducer('Champions (pdf-lib)');
	doc.setCreationDate(input.generatedAt);
	doc.setModificationDate(input.generatedAt);
	doc.setLanguage(language === 'fr' ? 'fr-CA' : 'en-CA');

	let page: PDFPage = doc.addPage([PAGE.width, PAGE.height]);
	let y = PAGE.height - MARGIN;
	const width = PAGE.width - 2 * MARGIN;

	const newPage = () => {
		page = doc.addPage([PAGE.width, PAGE.height]);
		y = PAGE.height - MARGIN;
	};
	const room = (height: number) => {
		if (y - height < MARGIN + FOOTER) newPage();
	};

	/** Words wrapped to the width; a word longer than a line is cut. */
	const wrap = (text: string, font: PDFFont, size: number, lineWidth = width): string[] =>
		wrapText(printable(text), font, size, lineWidth);

	const write = (
		text: string,
		{ font = regular, size = 11, gap = 4, color = INK, indent = 0 } = {}
	) => {
		const lineHeight = size * 1.35;
		for (const paragraph of text.split(/\r?\n/)) {
			const lines = paragraph.trim() === '' ? [''] : wrap(paragraph, font, size, width - indent);
			for (const line of lines) {
				room(lineHeight);
				y -= lineHeight;
				if (line) page.drawText(line, { x: MARGIN + indent, y, size, font, color });
			}
		}
		y -= gap;
	};

	const heading = (text: string, size = 14) => {
		room(size * 3);
		y -= size * 0.6;
		write(text, { font: bold, size, gap: 6 });
	};

	/** Two columns: a label and its count, right-aligned. */
	const table = (rows: [string, number][]) => {
		const size = 10;
		const lineHeight = size * 1.5;
		for (const [label, count] of rows) {
			room(lineHeight);
			y -= lineHeight;
			page.drawText(printable(label), { x: MARGIN, y, size, font: regular, color: INK });
			const value = number.format(count);
			page.drawText(value, {
				x: MARGIN + 260 - regular.widthOfTextAtSize(value, size),
				y,
				size,
				font: regular,
				color: INK
			});
		}
		y -= 6;
	};

	// The petition and its letter.
	write(input.charityName, { size: 10, color: MUTED });
	write(input.text.title, { font: bold, size: 18, gap: 8 });
	write(m.petition_admin_pdf_to({ target: input.text.target }, locale), { font: bold, size: 12 });
	write(
		m.petition_admin_pdf_generated(
			{
				date: new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
					year: 'numeric',
					month: 'long',
					day: 'numeric',
					hour: 'numeric',
					minute: '2-digit',
					timeZone: CHARITY_TIME_ZONE,
					timeZoneName: 'short'
				}).format(input.generatedAt)
			},
			locale
		),
		{ size: 10, color: MUTED, gap: 12 }
	);
	write(input.text.letter, { gap: 12 });

	// The count, and how to check the list.
	heading(m.petition_admin_pdf_count({ count: number.format(input.rows.length) }, locale), 16);
	if (input.goal) write(m.petition_admin_pdf_goal({ goal: number.format(input.goal) }, locale));
	write(m.petition_admin_pdf_checksum_label({}, locale), { font: bold, size: 10, gap: 0 });
	write(input.sha256, { font: regular, size: 9 });
	write(m.petition_admin_pdf_checksum_help({}, locale), { size: 9, color: MUTED, gap: 10 });

	heading(m.petition_admin_pdf_by_province({}, locale));
	const notGiven = m.petition_admin_pdf_province_none({}, locale);
	table(countBy(input.rows, (row) => row.province ?? notGiven));

	heading(m.petition_admin_pdf_by_day({}, locale));
	table(
		countBy(input.rows, (row) => row.signed_local.slice(0, 10)).sort((a, b) =>
			a[0].localeCompare(b[0])
		)
	);

	// The signers, as each agreed to be shown.
	heading(m.petition_admin_pdf_signers({}, locale));
	write(m.petition_admin_pdf_signers_help({}, locale), { size: 9, color: MUTED, gap: 6 });
	const hidden = m.petition_admin_name_withheld({}, locale);
	input.rows.forEach((row, index) => {
		const name =
			row.first_name === null ? hidden : `${row.first_name} ${row.last_name ?? ''}`.trim();
		const place = row.province ? `, ${row.province}` : '';
		write(`${number.format(index + 1)}.  ${row.signed_local.slice(0, 10)}  ${name}${place}`, {
			size: 9,
			gap: 0
		});
	});

	// Every page carries the checksum and its number.
	const pages = doc.getPages();
	pages.forEach((each, index) => {
		const footer = `SHA-256 ${input.sha256}`;
		each.drawText(footer, { x: MARGIN, y: MARGIN - 10, size: 7, font: regular, color: MUTED });
		const numbering = m.petition_admin_pdf_page(
			{ page: String(index + 1), pages: String(pages.length) },
			locale
		);
		each.drawText(numbering, {
			x: PAGE.width - MARGIN - regular.widthOfTextAtSize(numbering, 8),
			y: MARGIN - 10,
			size: 8,
			font: regular,
			color: MUTED
		});
	});

	return doc.save();
}
