import * as v from 'valibot';
import { m } from '#lib/paraglide/messages.js';
import { ROLES } from '#lib/auth/roles.ts';

// Forms of the staff area. Messages are functions, read in the reader's language.

export const signInSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(254, () => m.signin_error_email()),
		v.email(() => m.signin_error_email())
	)
});

export const addStaffSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(254, () => m.staff_error_email()),
		v.email(() => m.staff_error_email())
	),
	name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200)), ''),
	role: v.picklist(ROLES),
	language: v.picklist(['en', 'fr'])
});

export const changeRoleSchema = v.object({
	id: v.pipe(v.string(), v.uuid()),
	role: v.picklist(ROLES)
});

export const removeStaffSchema = v.object({
	id: v.pipe(v.string(), v.uuid())
});
