/**
 * A failure the person running the stack can fix (a port taken, a migration that
 * fails, a missing binary or setting). Its message says what to do; the scripts
 * print it without a stack trace.
 */
export class StackError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StackError';
	}
}
