import { beforeEach, describe, expect, it } from 'vitest';
import { clearPageCache, isCacheable, servePage } from './page-cache.ts';

const html =
	(body: string, headers: Record<string, string> = {}) =>
	async () =>
		new Response(body, { headers: { 'content-type': 'text/html', ...headers } });

describe('page cache', () => {
	beforeEach(clearPageCache);

	it('renders the home page and the story once, until cleared', async () => {
		const url = new URL('http://localhost/impact');
		let renders = 0;
		const render = async () => {
			renders += 1;
			return html(`story ${renders}`)();
		};
		expect(await (await servePage(url, render)).text()).toBe('story 1');
		expect(await (await servePage(url, render)).text()).toBe('story 1');
		clearPageCache();
		expect(await (await servePage(url, render)).text()).toBe('story 2');
	});

	it('keeps only what is the same for everyone', async () => {
		const get = (path: string) => new Request(`http://localhost${path}`);
		expect(isCacheable(get('/fr/impact'), new URL('http://localhost/fr/impact'))).toBe(true);
		expect(isCacheable(get('/?ref=abc'), new URL('http://localhost/?ref=abc'))).toBe(false);
		expect(isCacheable(get('/privacy'), new URL('http://localhost/privacy'))).toBe(false);
		const post = new Request('http://localhost/', { method: 'POST' });
		expect(isCacheable(post, new URL('http://localhost/'))).toBe(false);

		const url = new URL('http://localhost/');
		await servePage(url, html('with a cookie', { 'set-cookie': 'a=b' }));
		expect(await (await servePage(url, html('fresh'))).text()).toBe('fresh');
	});
});
