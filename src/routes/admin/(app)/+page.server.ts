import * as email from '#lib/server/email/status.ts';

export const load = async () => ({ email: await email.status() });
