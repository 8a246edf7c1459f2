import { requireStaff } from '#lib/server/auth/roles.ts';

export const load = ({ locals }) => ({ staff: requireStaff(locals) });
