import { describe, expect, it } from 'vitest';
import { isTooLarge, MAX_BODY_BYTES } from './body-size.ts';

const post = (path: string, length: number) => {
	const url = new URL(`http://localhost${path}`);
	return isTooLarge(
		new Request(url, { method: 'POST', headers: { 'content-length': String(length) } }),
		url
	);
};

describe('request body size', () => {
	it('refuses a large body except on the supporter import', () => {
		expect(post('/privacy', MAX_BODY_BYTES + 1)).toBe(true);
		expect(post('/admin/supporters/1234', 5_000_000)).toBe(true);
		expect(post('/admin/supporters/import', 5_000_000)).toBe(false);
		expect(post('/fr/admin/supporters/import', 5_000_000)).toBe(false);
		expect(post('/privacy', 2_000)).toBe(false);
	});
});
