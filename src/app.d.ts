import type { Logger } from 'pino';
import type { StaffMember } from '#lib/auth/roles.ts';

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
			/** The signed-in staff member (admin routes only). */
			staff: StaffMember | null;
			/** Origins that may frame this response (a petition's embed); else none may. */
			frameAncestors?: string[];
		}
	}
}

export {};
