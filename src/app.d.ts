import type { Logger } from 'pino';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** The reference a user can quote; the full error is in the log under this id. */
			id?: string;
		}
		interface Locals {
			requestId: string;
			log: Logger;
		}
	}
}

export {};
