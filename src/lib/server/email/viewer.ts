import { must, serviceDb } from '../db.ts';
import { enqueue } from './outbox.ts';
import { renderOutboxEmail } from './render.ts';
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
	return rows.map((row) => listItem(row, safeRender(row)?.subject ?? row.template));
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

function render(row: OutboxRow): RenderedEmail {
	return renderOutboxEmail({
		...row,
		first_name: row.supporters?.first_name ?? null,
		email_token: row.supporters?.email_token ?? null
	});
}

function safeRender(row: OutboxRow): RenderedEmail | undefined {
	try {
		return render(row);
	} catch {
		return undefined;
	}
}

/** One email as it would be sent: headers, HTML and text. */
export async function read(
	id: number
): Promise<(OutboxListItem & { email: RenderedEmail }) | null> {
	const rows = must(
		await serviceDb().from('email_outbox').select(OUTBOX_COLUMNS).eq('id', id).limit(1)
	) as unknown as OutboxRow[];
	const row = rows[0];
	if (!row) return null;
	const email = render(row);
	return { ...listItem(row, email.subject), email };
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
