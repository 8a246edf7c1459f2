export type Language = 'en' | 'fr';
export type EmailKind = 'transactional' | 'broadcast';

/** What a caller asks to send. Written to the outbox; sent later by a worker. */
export interface OutgoingEmail {
	/** Stable for this email (e.g. `petition-thanks:<signature id>`): queueing it twice sends it once. */
	idempotencyKey: string;
	template: string;
	data?: Record<string, unknown>;
	language: Language;
	supporterId?: string | null;
	to: string;
	kind: EmailKind;
	/** Not sent before this time. */
	notBefore?: Date;
}

/** An outbox row as a worker claims it, with what its template needs of the recipient. */
export interface ClaimedRow {
	id: number;
	template: string;
	data: Record<string, unknown>;
	language: Language;
	to_email: string;
	kind: EmailKind;
	supporter_id: string | null;
	first_name: string | null;
	email_token: string | null;
}

export interface ClaimedBatch {
	id: string;
	idempotency_key: string;
	attempt: number;
	created_at: string;
	rows: ClaimedRow[];
}

/** A file sent with an email (a receipt's PDF). */
export interface EmailAttachment {
	filename: string;
	content: Uint8Array;
	contentType: string;
}

/** An email ready for the provider. */
export interface RenderedEmail {
	from: string;
	to: string;
	replyTo?: string;
	subject: string;
	html: string;
	text: string;
	headers?: Record<string, string>;
	/** Resend's batch call takes none: an email with attachments is sent on its own. */
	attachments?: EmailAttachment[];
}
