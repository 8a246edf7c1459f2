import { must, serviceDb } from '../db.ts';
import { enqueue } from './outbox.ts';
import { composeOutboxEmail, type ComposedEmail } from './render.ts';
import type { EmailKind, Language, RenderedEmail } from './types.ts';

// The mail viewer (/dev/mail): without a Resend key nothing is sent, and the
// outbox is where a developer reads what would have been.

export interface OutboxListItem {
	id: number;
	to_email: string;
	template: string;
	language: Language;
	kind: EmailKind;
	status: string;
	created_at: string;
	subject: string;
}

const PAGE_SIZE = 50;
/** An outbox row with what its template needs of the recipient. */
const OUTBOX_COLUMNS =
	'id, to_email, template, language, kind, status, created_at, data, supporters(first_name, email_token)';

/** The newest emails first, 50 at a time (keyset: `before` is the last id shown). */
export async function list(before?: number): Promise<OutboxListItem[]> {
	let query = serviceDb()
		.from('email_outbox')
		.select(OUTBOX_COLUMNS)
		.order('id', { ascending: false })
		.limit(PAGE_SIZE);
	if (before) query = query.lt('id', before);
	const rows = must(await query) as unknown as OutboxRow[];
	const composed = await Promise.all(rows.map(safeCompose));
	return rows.map((row, index) => listItem(row, composed[index]?.email.subject ?? row.template));
}

function listItem(row: OutboxRow, subject: string): OutboxListItem {
	const { id, to_email, template, language, kind, status, created_at } = row;
	return { id, to_email, template, language, kind, status, created_at, subject };
}

interface OutboxRow {
	id: number;
	to_email: string;
	template: string;
	language: Language;
	kind: EmailKind;
	status: string;
	created_at: string;
	data: unknown;
	supporters: { first_name: string | null; email_token: string } | null;
}

function compose(row: OutboxRow): Promise<ComposedEmail> {
	return composeOutboxEmail({
		...row,
		first_name: row.supporters?.first_name ?? null,
		email_token: row.supporters?.email_token ?? null
	});
}

async function safeCompose(row: OutboxRow): Promise<ComposedEmail | undefined> {
	try {
		return await compose(row);
	} catch {
		return undefined;
	}
}

async function outboxRow(id: number): Promise<OutboxRow | null> {
	if (!Number.isSafeInteger(id) || id <= 0) return null;
	const rows = must(
		await serviceDb().from('email_outbox').select(OUTBOX_COLUMNS).eq('id', id).limit(1)
	) as unknown as OutboxRow[];
	return rows[0] ?? null;
}

/** An attachment as the viewer lists it: its number in the email (for its download address). */
export interface AttachmentItem {
	index: number;
	filename: string;
	contentType: string;
}

/** One email as it would be sent: headers, HTML and text, and its attachments' names. */
export async function read(
	id: number
): Promise<(OutboxListItem & { email: RenderedEmail; attachments: AttachmentItem[] }) | null> {
	const row = await outboxRow(id);
	if (!row) return null;
	const { email, attachments } = await compose(row);
	return {
		...listItem(row, email.subject),
		email,
		attachments: attachments.map(({ filename, contentType }, index) => ({
			index,
			filename,
			contentType
		}))
	};
}

/** An email's attachment, made as it would be sent with it (a receipt's PDF). */
export async function attachment(
	id: number,
	index: number
): Promise<{ filename: string; contentType: string; content: Uint8Array } | null> {
	const row = await outboxRow(id);
	if (!row) return null;
	const source = (await compose(row)).attachments[index];
	if (!source) return null;
	return {
		filename: source.filename,
		contentType: source.contentType,
		content: await source.content()
	};
}

/** Queues the sample email, so the whole pipeline can be seen without any feature. */
export async function queueSample(to: string, language: Language): Promise<void> {
	await enqueue([
		{
			idempotencyKey: `sample:${crypto.randomUUID()}`,
			template: 'sample',
			language,
			to,
			kind: 'transactional'
		}
	]);
}
