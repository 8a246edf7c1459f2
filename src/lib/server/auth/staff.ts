import { DatabaseError, must, serviceDb } from '../db.ts';
import { canAssign, type Role, type StaffMember } from '#lib/auth/roles.ts';

export interface StaffListItem extends StaffMember {
	created_at: string;
}

export async function list(): Promise<StaffListItem[]> {
	return must(
		await serviceDb()
			.from('staff')
			.select('id, email, name, role, language, created_at')
			.is('removed_at', null)
			.order('created_at')
	) as StaffListItem[];
}

export type StaffChangeResult =
	{ ok: true } | { ok: false; reason: 'forbidden' | 'last-owner' | 'already-staff' | 'not-found' };

function known(error: unknown): StaffChangeResult {
	if (error instanceof DatabaseError) {
		if (error.message === 'last_owner') return { ok: false, reason: 'last-owner' };
		if (error.message === 'already_staff') return { ok: false, reason: 'already-staff' };
		if (error.message === 'not_found') return { ok: false, reason: 'not-found' };
	}
	throw error;
}

/** Adds a staff member; `actor` null means the command line (npm run staff:add). */
export async function add(
	actor: StaffMember | null,
	member: { email: string; name?: string; role: Role; language: 'en' | 'fr' },
	ip: string | null
): Promise<StaffChangeResult> {
	if (actor && !canAssign(actor, member.role)) return { ok: false, reason: 'forbidden' };
	try {
		must(
			await serviceDb().rpc('staff_add', {
				p_actor: actor?.id ?? null,
				p_email: member.email,
				p_name: member.name ?? null,
				p_role: member.role,
				p_language: member.language,
				p_ip: ip
			})
		);
		return { ok: true };
	} catch (error) {
		return known(error);
	}
}

async function current(id: string): Promise<StaffMember | null> {
	const rows = must(
		await serviceDb()
			.from('staff')
			.select('id, email, name, role, language')
			.eq('id', id)
			.is('removed_at', null)
	) as StaffMember[];
	return rows[0] ?? null;
}

/** Changes a role: the actor must be allowed to give both the old and the new role. */
export async function changeRole(
	actor: StaffMember,
	id: string,
	role: Role,
	ip: string
): Promise<StaffChangeResult> {
	const member = await current(id);
	if (!member) return { ok: false, reason: 'not-found' };
	if (!canAssign(actor, role) || !canAssign(actor, member.role))
		return { ok: false, reason: 'forbidden' };
	try {
		must(
			await serviceDb().rpc('staff_change_role', {
				p_actor: actor.id,
				p_staff: id,
				p_role: role,
				p_ip: ip
			})
		);
		return { ok: true };
	} catch (error) {
		return known(error);
	}
}

/** Removes a staff member; their sessions end at once. */
export async function remove(
	actor: StaffMember,
	id: string,
	ip: string
): Promise<StaffChangeResult> {
	const member = await current(id);
	if (!member) return { ok: false, reason: 'not-found' };
	if (!canAssign(actor, member.role)) return { ok: false, reason: 'forbidden' };
	try {
		must(await serviceDb().rpc('staff_remove', { p_actor: actor.id, p_staff: id, p_ip: ip }));
		return { ok: true };
	} catch (error) {
		return known(error);
	}
}
