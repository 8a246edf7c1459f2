import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Pager from './Pager.svelte';

const links = (html: string) =>
	[...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map(([, href, label]) => [
		href.replaceAll('&amp;', '&'),
		label
	]);

describe('the donations pager', () => {
	const href = (page: number) => `/admin/donations?q=ada&page=${page}`;

	it('links the previous and next page, keeping the filter, and says where the reader is', () => {
		const { body } = render(Pager, { props: { page: 2, pages: 3, href } });
		expect(links(body)).toEqual([
			['/admin/donations?q=ada&page=1', 'Previous page'],
			['/admin/donations?q=ada&page=3', 'Next page']
		]);
		expect(body).toContain('Page 2 of 3');
	});

	it('offers no way past the first or the last page, and says nothing for a single page', () => {
		expect(links(render(Pager, { props: { page: 1, pages: 2, href } }).body)).toEqual([
			['/admin/donations?q=ada&page=2', 'Next page']
		]);
		expect(links(render(Pager, { props: { page: 2, pages: 2, href } }).body)).toEqual([
			['/admin/donations?q=ada&page=1', 'Previous page']
		]);
		const single = render(Pager, { props: { page: 1, pages: 1, href } }).body;
		expect(links(single)).toEqual([]);
		expect(single).not.toContain('Page 1 of 1');
	});
});
