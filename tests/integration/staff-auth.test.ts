import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceClient, uniqueEmail, withSql } from './helpers.ts';
import { startSite } from './site.ts';

// Staff sign-in as an attacker would probe it: enumeration, brute force, stale sessions.

let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
	site = await startSite();
}, 180_000);

afterAll(async () => {
	await site?.stop();
});

async function addStaff(role = 'viewer') {
	const email = uniqueEmail('staff');
	const { error } = await serviceClient().rpc('staff_add', {
		p_actor: null,
		p_email: email,
		p_name: null,
		p_role: role,
		p_language: 'en',
		p_ip: null
	});
	expect(error).toBeNull();
	return email;
}

async function askForLink(email: string) {
	const started = performance.now();
	const response = await fetch(`${site.url}/admin/sign-in`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			origin: site.url
		},
		body: new URLSearchParams({ email })
	});
	return { response, ms: performance.now() - started };
}

describe('asking for a sign-in link', () => {
	it('answers staff and strangers alike, in the same time band, and emails only staff', async () => {
		const staff = await addStaff();
		const stranger = uniqueEmail('stranger');
		const answers = [];
		for (const email of [staff, stranger, staff.toUpperCase(), stranger]) {
			answers.push(await askForLink(email));
		}
		for (const { response } of answers) {
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toBe('/admin/sign-in/check-email');
		}
		const times = answers.map((answer) => answer.ms);
		expect(Math.min(...times)).toBeGreaterThanOrEqual(400);
		expect(Math.max(...times) - Math.min(...times)).toBeLessThan(250);

		const queued = await withSql(
			async (sql) =>
				(
					await sql.query<{ to_email: string }>(
						`select to_email from email_outbox where template = 'staff-sign-in' and lower(to_email) in (lower($1), lower($2))`,
						[staff, stranger]
					)
				).rows
		);
		// Asked twice (once in capitals): two links, both to the staff member.
		expect(queued.map((row) => row.to_email)).toEqual([staff, staff]);
	});

	it('stops after five requests for one address in 15 minutes, and says to wait', async () => {
		const staff = await addStaff();
		const statuses = [];
		for (let attempt = 0; attempt < 6; attempt += 1) {
			statuses.push((await askForLink(staff)).response.status);
		}
		expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
	});
});

describe('sessions', () => {
	it('a removed staff member is signed out everywhere at once', async () => {
		const email = await addStaff('campaigner');
		const db = serviceClient();
		const { data: member } = await db.from('staff').select('id').eq('email', email).single();
		await withSql((sql) =>
			sql.query(
				`insert into staff_sessions (id_hash, staff_id, expires_at) values ('a-session-hash', $1, now() + interval '1 hour')`,
				[member!.id]
			)
		);
		const before = await db.rpc('staff_session_get', {
			p_session_hash: 'a-session-hash',
			p_session_hours: 12
		});
		expect(before.data).toMatchObject({ email, role: 'campaigner' });

		await db.rpc('staff_remove', { p_actor: null, p_staff: member!.id, p_ip: null });
		const after = await db.rpc('staff_session_get', {
			p_session_hash: 'a-session-hash',
			p_session_hours: 12
		});
		expect(after.data).toBeNull();
	});
});
