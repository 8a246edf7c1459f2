import pino, { type Logger } from 'pino';
import { LOG_LEVEL } from '$app/env/private';
import { scrub } from './scrub.ts';

/**
 * The one logger. Lines are JSON (pino); every string in them passes through
 * `scrub`, so an email address or a key that slips into a message or an error
 * is masked before it is written.
 */
export const logger: Logger = pino({
	level: LOG_LEVEL,
	base: undefined,
	formatters: {
		level: (label) => ({ level: label }),
		log: (object) => scrub(object) as Record<string, unknown>
	},
	hooks: {
		logMethod(args, method) {
			method.apply(
				this,
				args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as Parameters<typeof method>
			);
		}
	},
	serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err }
});
