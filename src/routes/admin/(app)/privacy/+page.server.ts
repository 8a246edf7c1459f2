import { requireStaff } from '#lib/server/auth/roles.ts';
import * as privacy from '#lib/server/privacy/index.ts';

// Admins and owners only: requests name people who asked about their own data.
export const load = async ({ locals, url }) => {
	requireStaff(locals, 'admin');
	const before = Number(url.searchParams.get('before')) || undefined;
	return { requests: await privacy.list(before), pageSize: privacy.LIST_PAGE_SIZE };
};
