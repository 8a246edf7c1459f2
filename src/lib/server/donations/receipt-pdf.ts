import { PDFDocument, StandardFonts, degrees, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { m } from '#lib/paraglide/messages.js';
import { printableIn, wrapText } from '../pdf/text.ts';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';
import { NOT_SET, receipt as readReceipt, type Receipt } from './receipts.ts';

// The official receipt for income tax purposes, as a PDF made with pdf-lib (pure
// JavaScript, standard fonts: see petitions/delivery-pdf.ts). It prints every field
// the CRA asks of a receipt for a cash gift, in the receipt's language, from the
// receipt's own snapshot (never today's settings), so a copy made years later is
// the same receipt. The bytes are the same each time (its dates are the issue
// date), so an email resent under the same idempotency key is the same email.

const PAGE = { width: 612, height: 792 }; // US Letter, in points
const MARGIN = 54;
const FOOTER = 30;
const LABEL_WIDTH = 200;
const VALUE_X = MARGIN + LABEL_WIDTH + 16;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.35, 0.35, 0.35);
const ALERT = rgb(0.7, 0.07, 0.07);
const RULE = rgb(0.75, 0.75, 0.75);

/** The receipt's PDF, or null when there is no receipt with this id. */
export async function receiptPdf(
	receiptId: string
): Promise<{ filename: string; bytes: Uint8Array } | null> {
	const receipt = await readReceipt(receiptId);
	if (!receipt) return null;
	return { filename: receiptFilename(receipt.serial), bytes: await renderReceiptPdf(receipt) };
}

export function receiptFilename(serial: string): string {
	return `receipt-${serial.replace(/[^A-Za-z0-9-]/g, '')}.pdf`;
}

/** Money on a receipt: always with its cents ("$1,234.50" / "1 234,50 $"). */
function money(cents: number, currency: string, language: string): string {
	return new Intl.NumberFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		style: 'currency',
		currency: currency.toUpperCase(),
		minimumFractionDigits: 2,
		maximumFractionDigits: 2
	}).format(cents / 100);
}

export async function renderReceiptPdf(receipt: Receipt): Promise<Uint8Array> {
	const { language } = receipt;
	const locale = { locale: language };
	const intl = language === 'fr' ? 'fr-CA' : 'en-CA';
	/** A moment, as a date where the charity is. */
	const day = (iso: string) =>
		new Intl.DateTimeFormat(intl, { dateStyle: 'long', timeZone: CHARITY_TIME_ZONE }).format(
			new Date(iso)
		);
	/** A calendar date ('YYYY-MM-DD'), as written. */
	const calendarDay = (date: string) =>
		new Intl.DateTimeFormat(intl, { dateStyle: 'long', timeZone: 'UTC' }).format(
			new Date(`${date.slice(0, 10)}T00:00:00Z`)
		);
	const amount = (cents: number) => money(cents, receipt.currency, language);
	/** A charity detail that was not set when the receipt was issued (a sample). */
	const detail = (value: string) => (value === NOT_SET ? m.receipt_pdf_not_set({}, locale) : value);
	const detailsUnset = [
		receipt.charity.address,
		receipt.charity.registrationNumber,
		receipt.issuedLocation,
		receipt.signatory.name
	].includes(NOT_SET);

	const doc = await PDFDocument.create();
	const regular = await doc.embedFont(StandardFonts.Helvetica);
	const bold = await doc.embedFont(StandardFonts.HelveticaBold);
	const signature = await doc.embedFont(StandardFonts.TimesRomanItalic);
	/** Text the standard fonts can print (see ../pdf/text.ts). */
	const printable = printableIn(regular);

	const issued = new Date(receipt.issuedAt);
	const title = m.receipt_pdf_title({ serial: receipt.serial }, locale);
	doc.setTitle(printable(title));
	doc.setSubject(printable(`${m.receipt_pdf_statement({}, locale)} · ${receipt.serial}`));
	doc.setKeywords([receipt.serial]);
	doc.setAuthor(printable(receipt.charity.legalName));
	doc.setCreator(printable(receipt.charity.legalName));
	doc.setProducer('Champions (pdf-lib)');
	doc.setCreationDate(issued);
	doc.setModificationDate(issued);
	doc.setLanguage(intl);

	let page: PDFPage;
	let y = 0;
	const width = PAGE.width - 2 * MARGIN;

	/** A new page; a void or sample receipt says so across every page. */
	const newPage = () => {
		page = doc.addPage([PAGE.width, PAGE.height]);
		y = PAGE.height - MARGIN;
		const marks: string[] = [];
		if (receipt.status === 'void') marks.push(m.receipt_pdf_void({}, locale));
		if (receipt.test) marks.push(m.receipt_pdf_sample_mark({}, locale));
		marks.forEach((mark, index) => {
			const text = printable(mark);
			const size = Math.min(110, 560 / Math.max(1, bold.widthOfTextAtSize(text, 1)));
			page.drawText(text, {
				x: 130 + index * 40,
				y: 200 + index * 170,
				size,
				font: bold,
				color: ALERT,
				opacity: 0.14,
				rotate: degrees(35)
			});
		});
	};
	newPage();
	const room = (height: number) => {
		if (y - height < MARGIN + FOOTER) newPage();
	};

	/** Words wrapped to the width; a word longer than a line is cut. */
	const wrap = (text: string, font: PDFFont, size: number, lineWidth: number): string[] =>
		wrapText(printable(text), font, size, lineWidth);
	const linesOf = (text: string, font: PDFFont, size: number, lineWidth: number) =>
		text
			.split(/\r?\n/)
			.flatMap((paragraph) =>
				paragraph.trim() === '' ? [] : wrap(paragraph.trim(), font, size, lineWidth)
			);

	const write = (
		text: string,
		{ font = regular, size = 10, gap = 3, color = INK, indent = 0 } = {}
	) => {
		const lineHeight = size * 1.35;
		for (const line of linesOf(text, font, size, width - indent)) {
			room(lineHeight);
			y -= lineHeight;
			page.drawText(line, { x: MARGIN + indent, y, size, font, color });
		}
		y -= gap;
	};

	/** A red box across the page with its words: VOID, SAMPLE. */
	const banner = (headline: string, detailText: string) => {
		const lines = linesOf(detailText, regular, 10, width - 24);
		const height = 34 + lines.length * 13.5;
		room(height + 10);
		const top = y;
		page.drawRectangle({
			x: MARGIN,
			y: top - height,
			width,
			height,
			borderColor: ALERT,
			borderWidth: 2,
			color: rgb(1, 0.95, 0.95)
		});
		y = top - 22;
		page.drawText(printable(headline), { x: MARGIN + 12, y, size: 16, font: bold, color: ALERT });
		y -= 4;
		for (const line of lines) {
			y -= 13.5;
			page.drawText(line, { x: MARGIN + 12, y, size: 10, font: regular, color: INK });
		}
		y = top - height - 12;
	};

	/** A field of the receipt: its label on the left, its value on the right. */
	const field = (label: string, value: string, { valueFont = regular } = {}) => {
		const size = 10;
		const lineHeight = size * 1.3;
		const labelLines = linesOf(label, bold, size, LABEL_WIDTH);
		const valueLines = linesOf(value, valueFont, size, PAGE.width - MARGIN - VALUE_X);
		const rows = Math.max(labelLines.length, valueLines.length, 1);
		room(rows * lineHeight + 8);
		const top = y;
		labelLines.forEach((line, index) => {
			page.drawText(line, { x: MARGIN, y: top - (index + 1) * lineHeight, size, font: bold });
		});
		valueLines.forEach((line, index) => {
			page.drawText(line, {
				x: VALUE_X,
				y: top - (index + 1) * lineHeight,
				size,
				font: valueFont,
				color: INK
			});
		});
		y = top - rows * lineHeight - 5;
		page.drawLine({
			start: { x: MARGIN, y: y + 2 },
			end: { x: PAGE.width - MARGIN, y: y + 2 },
			thickness: 0.5,
			color: RULE
		});
		y -= 3;
	};

	// What this receipt is not, first: a void receipt or a sample cannot be mistaken.
	if (receipt.status === 'void') {
		const reason = receipt.voidReason ? voidReason(receipt.voidReason, language) : null;
		banner(
			m.receipt_pdf_void({}, locale),
			[
				m.receipt_pdf_void_detail({ date: day(receipt.voidedAt ?? receipt.issuedAt) }, locale),
				reason ? m.receipt_pdf_void_reason({ reason }, locale) : '',
				receipt.replacedBy
					? m.receipt_pdf_replaced_by({ serial: receipt.replacedBy.serial }, locale)
					: ''
			]
				.filter(Boolean)
				.join(' ')
		);
	}
	if (receipt.test) {
		banner(
			m.receipt_pdf_sample({}, locale),
			detailsUnset
				? m.receipt_pdf_sample_why_settings({}, locale)
				: m.receipt_pdf_sample_why_test({}, locale)
		);
	}

	// The charity as registered.
	write(receipt.charity.legalName, { font: bold, size: 15, gap: 2 });
	write(detail(receipt.charity.address), { size: 10, gap: 2 });
	write(
		m.receipt_pdf_registration_line({ number: detail(receipt.charity.registrationNumber) }, locale),
		{ size: 10, gap: 14 }
	);

	write(m.receipt_pdf_statement({}, locale), { font: bold, size: 17, gap: 4 });
	if (receipt.replaces) {
		write(m.receipt_pdf_replaces({ serial: receipt.replaces.serial }, locale), {
			font: bold,
			size: 11,
			gap: 4
		});
	}
	y -= 8;

	field(m.receipt_pdf_serial({}, locale), receipt.serial, { valueFont: bold });
	field(m.receipt_pdf_issued({}, locale), day(receipt.issuedAt));
	field(m.receipt_pdf_location({}, locale), detail(receipt.issuedLocation));
	if (receipt.kind === 'annual' || !receipt.receivedOn) {
		field(m.receipt_pdf_year({}, locale), String(receipt.taxYear));
	} else {
		field(m.receipt_pdf_received({}, locale), calendarDay(receipt.receivedOn));
	}
	field(m.receipt_pdf_donor({}, locale), `${receipt.donor.name}\n${receipt.donor.address}`);
	field(
		receipt.kind === 'annual'
			? m.receipt_pdf_amount_annual({}, locale)
			: m.receipt_pdf_amount({}, locale),
		amount(receipt.amountCents)
	);
	field(
		m.receipt_pdf_advantage({}, locale),
		receipt.advantageCents > 0
			? amount(receipt.advantageCents)
			: m.receipt_pdf_advantage_none({}, locale)
	);
	field(m.receipt_pdf_eligible({}, locale), amount(receipt.eligibleCents), { valueFont: bold });

	// An annual receipt lists the gifts it covers: the day each was received and its amount.
	if (receipt.kind === 'annual') {
		y -= 6;
		write(m.receipt_pdf_gifts_heading({ year: String(receipt.taxYear) }, locale), {
			font: bold,
			size: 11,
			gap: 4
		});
		const size = 10;
		const lineHeight = size * 1.3;
		const amountRight = MARGIN + 300;
		room(lineHeight * 2);
		y -= lineHeight;
		page!.drawText(printable(m.receipt_pdf_gift_date({}, locale)), {
			x: MARGIN,
			y,
			size: 9,
			font: bold,
			color: MUTED
		});
		const head = printable(m.receipt_pdf_gift_amount({}, locale));
		page!.drawText(head, {
			x: amountRight - bold.widthOfTextAtSize(head, 9),
			y,
			size: 9,
			font: bold,
			color: MUTED
		});
		for (const gift of receipt.gifts) {
			room(lineHeight);
			y -= lineHeight;
			page!.drawText(printable(day(gift.receivedAt)), { x: MARGIN, y, size, font: regular });
			const value = printable(amount(gift.amountCents));
			page!.drawText(value, {
				x: amountRight - regular.widthOfTextAtSize(value, size),
				y,
				size,
				font: regular
			});
		}
		y -= 10;
	}

	// The authorised signature: the signatory's name written on the line, then who they are.
	room(96);
	y -= 34;
	const signatory = detail(receipt.signatory.name);
	page!.drawText(printable(signatory), {
		x: MARGIN + 6,
		y: y + 6,
		size: 20,
		font: signature,
		color: rgb(0.05, 0.15, 0.4)
	});
	page!.drawLine({
		start: { x: MARGIN, y },
		end: { x: MARGIN + 250, y },
		thickness: 0.8,
		color: INK
	});
	y -= 4;
	write([signatory, receipt.signatory.title].filter((part) => part.trim() !== '').join(', '), {
		size: 10,
		gap: 0
	});
	write(m.receipt_pdf_signature({}, locale), { size: 9, color: MUTED, gap: 16 });

	write(m.receipt_pdf_cra({}, locale), { font: bold, size: 10, gap: 0 });

	// Every page: the receipt's number and the page's.
	const pages = doc.getPages();
	pages.forEach((each, index) => {
		const footer = printable(
			m.receipt_pdf_footer(
				{ serial: receipt.serial, page: String(index + 1), pages: String(pages.length) },
				locale
			)
		);
		each.drawText(footer, { x: MARGIN, y: MARGIN - 18, size: 8, font: regular, color: MUTED });
	});

	return doc.save();
}

/** Why a receipt was voided, in words. */
export function voidReason(reason: string, language: 'en' | 'fr'): string {
	const locale = { locale: language };
	switch (reason) {
		case 'refunded':
			return m.receipt_void_refunded({}, locale);
		case 'partially_refunded':
			return m.receipt_void_partially_refunded({}, locale);
		case 'dispute_lost':
			return m.receipt_void_dispute_lost({}, locale);
		case 'reissued':
			return m.receipt_void_reissued({}, locale);
		default:
			return m.receipt_void_corrected({}, locale);
	}
}
