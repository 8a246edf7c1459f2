import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, uniqueEmail } from './helpers.ts';

// The public key is in every browser that visits the site: with it, through
// supabase-js and the gateway exactly as an attacker would use it, nobody's
// personal data can be read or changed.

async function seedSupporterWithConsent() {
	const service = serviceClient();
	const { data: supporter, error } = await service
		.from('supporters')
		.insert({ email: uniqueEmail(), first_name: 'Ana' })
		.select()
		.single();
	expect(error).toBeNull();
	const consent = await service.from('consents').insert({
		supporter_id: supporter.id,
		channel: 'email',
		status: 'granted',
		source: '/test',
		wording: 'Yes, email me results updates.',
		language: 'en'
	});
	expect(consent.error).toBeNull();
	return supporter as { id: string; email: string };
}

describe('with the anon key', () => {
	it('reading supporters or consents returns nothing', async () => {
		await seedSupporterWithConsent();
		const anon = anonClient();
		for (const table of ['supporters', 'consents']) {
			const { data, error } = await anon.from(table).select('*');
			expect(data ?? []).toEqual([]);
			expect(error?.code).toBe('42501');
		}
	});

	it('inserting a supporter or a consent is refused and writes nothing', async () => {
		const anon = anonClient();
		const email = uniqueEmail('intruder');
		const insert = await anon.from('supporters').insert({ email });
		expect(insert.error?.code).toBe('42501');

		const { data } = await serviceClient().from('supporters').select('id').ilike('email', email);
		expect(data).toEqual([]);

		const supporter = await seedSupporterWithConsent();
		const consent = await anon.from('consents').insert({
			supporter_id: supporter.id,
			channel: 'email',
			status: 'withdrawn',
			source: '/forged',
			wording: 'forged',
			language: 'en'
		});
		expect(consent.error?.code).toBe('42501');
		const ledger = await serviceClient()
			.from('consents')
			.select('status')
			.eq('supporter_id', supporter.id);
		expect(ledger.data).toEqual([{ status: 'granted' }]);
	});

	it('updating or deleting a supporter changes nothing', async () => {
		const supporter = await seedSupporterWithConsent();
		const anon = anonClient();
		await anon.from('supporters').update({ first_name: 'Hacked' }).eq('id', supporter.id);
		await anon.from('supporters').delete().eq('id', supporter.id);

		const { data } = await serviceClient()
			.from('supporters')
			.select('first_name')
			.eq('id', supporter.id)
			.single();
		expect(data).toEqual({ first_name: 'Ana' });
	});

	it('a request without a key is turned away by the gateway', async () => {
		const { supabaseUrl } = (await import('vitest')).inject('stack');
		const response = await fetch(`${supabaseUrl}/rest/v1/supporters`);
		expect(response.status).toBe(401);
	});
});

describe('supporters and consents', () => {
	it('one supporter per email address, whatever its letter case', async () => {
		const service = serviceClient();
		const email = uniqueEmail('Case.Test');
		expect((await service.from('supporters').insert({ email })).error).toBeNull();
		const again = await service.from('supporters').insert({ email: email.toUpperCase() });
		expect(again.error?.code).toBe('23505');
	});

	it('the consent ledger cannot be rewritten', async () => {
		const supporter = await seedSupporterWithConsent();
		const service = serviceClient();
		const update = await service
			.from('consents')
			.update({ wording: 'something else' })
			.eq('supporter_id', supporter.id);
		expect(update.error?.message).toMatch(/append-only/);
		const del = await service.from('consents').delete().eq('supporter_id', supporter.id);
		expect(del.error?.message).toMatch(/append-only/);
	});
});
