// A template queued with ids only (by SQL, in the transaction that caused it) reads
// what it shows in an async `prepare` step before it is rendered: rendering is
// synchronous and uses its data alone. The worker and the mail viewer both run it.

/** A file to attach, made only when it is needed (sending, or a download from the viewer). */
export interface AttachmentSource {
	filename: string;
	contentType: string;
	content(): Promise<Uint8Array>;
}

/** What a template's `prepare` step gives its rendering: the data it shows, and its files. */
export interface PreparedEmail<Data> {
	data: Data;
	attachments?: AttachmentSource[];
}

/**
 * What an email is about is not there (a gift or receipt id that names nothing):
 * it cannot be sent, now or later. Any other error of a prepare step (the database
 * did not answer) is taken as passing, and the batch is tried again.
 */
export class EmailDataMissing extends Error {
	constructor(what: string) {
		super(`${what} not found`);
		this.name = 'EmailDataMissing';
	}
}
