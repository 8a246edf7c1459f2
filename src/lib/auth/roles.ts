// Staff roles, shared by server checks and the pages that show them.

export const ROLES = ['viewer', 'campaigner', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do includes everything the roles before it may. */
const RANK: Record<Role, number> = { viewer: 0, campaigner: 1, admin: 2, owner: 3 };

export interface StaffMember {
	id: string;
	email: string;
	name: string | null;
	role: Role;
	language: 'en' | 'fr';
}

export function hasRole(staff: StaffMember | null | undefined, atLeast: Role): boolean {
	return Boolean(staff) && RANK[staff!.role] >= RANK[atLeast];
}

/** Who may give or take which role: owners any; admins any but owner. */
export function canAssign(actor: StaffMember, role: Role): boolean {
	return actor.role === 'owner' || (actor.role === 'admin' && role !== 'owner');
}
