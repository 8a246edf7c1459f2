import { extractText, getDocumentProxy } from 'unpdf';

/**
 * The text of a PDF, page after page, as a reader would copy it (pdf.js, through
 * unpdf). No-break spaces (French amounts, "1 234,50 $") come back as plain
 * spaces, so tests can match what they see.
 */
export async function pdfText(bytes: Uint8Array | ArrayBuffer): Promise<string> {
	// pdf.js takes ownership of the buffer it is given: give it a copy.
	const copy = new Uint8Array(bytes instanceof ArrayBuffer ? bytes.slice(0) : bytes.slice());
	const pdf = await getDocumentProxy(copy);
	try {
		const { text } = await extractText(pdf, { mergePages: false });
		return text.join('\n').replace(/[\u00a0\u202f]/g, ' ');
	} finally {
		await pdf.destroy();
	}
}
