import { error, redirect } from '@sveltejs/kit';
import { hasRole, type Role, type StaffMember } from '#lib/auth/roles.ts';
import { localizeHref } from '#lib/paraglide/runtime.js';

/**
 * The signed-in staff member, if their role is at least `atLeast`. Someone not
 * signed in goes to the sign-in page; a role too low gets 403, on pages and on
 * form actions alike (a handcrafted POST changes nothing).
 */
export function requireStaff(locals: App.Locals, atLeast: Role = 'viewer'): StaffMember {
	if (!locals.staff) redirect(303, localizeHref('/admin/sign-in'));
	if (!hasRole(locals.staff, atLeast)) error(403, 'Forbidden');
	return locals.staff;
}
