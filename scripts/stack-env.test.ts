import { afterEach, describe, expect, it } from 'vitest';
import { supabaseForApp } from './stack-env.ts';

const saved = { ...process.env };
afterEach(() => {
	process.env = { ...saved };
});

describe('supabaseForApp', () => {
	it('starts nothing local when SUPABASE_URL and both keys are set', async () => {
		process.env.SUPABASE_URL = 'https://example.supabase.co';
		process.env.SUPABASE_ANON_KEY = 'anon';
		process.env.SUPABASE_SERVICE_ROLE_KEY = 'service';
		const lines: string[] = [];
		const result = await supabaseForApp({ data: 'memory', log: (line) => lines.push(line) });
		expect(result.stack).toBeUndefined();
		expect(result.env).toEqual({});
		expect(lines.join('\n')).toContain('no local stack');
	});

	it('refuses SUPABASE_URL without its keys, naming what is missing', async () => {
		process.env.SUPABASE_URL = 'https://example.supabase.co';
		delete process.env.SUPABASE_ANON_KEY;
		delete process.env.SUPABASE_SERVICE_ROLE_KEY;
		await expect(supabaseForApp({ data: 'memory', log: () => {} })).rejects.toThrow(
			'SUPABASE_URL is set, so SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY must be set too.'
		);
	});
});
