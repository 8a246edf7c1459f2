import { m } from '#lib/paraglide/messages.js';
import type { Role } from '#lib/auth/roles.ts';

/** A role's name in the reader's language. */
export function roleName(role: Role): string {
	return {
		owner: m.role_owner,
		admin: m.role_admin,
		campaigner: m.role_campaigner,
		viewer: m.role_viewer
	}[role]();
}
