// The home page and the impact story are the same for every reader: no session, no
// form, and no script (so no CSP nonce in their HTML). Each app instance renders
// them once per PAGE_CACHE_SECONDS and serves that copy; publishing in the admin
// clears it (clearPageCache), so a change shows on the next request here and
// within PAGE_CACHE_SECONDS on other instances. Query strings bypass the cache.

const CACHEABLE = new Set(['/', '/fr', '/impact', '/fr/impact']);
export const PAGE_CACHE_SECONDS = 60;

interface CachedPage {
	until: number;
	status: number;
	headers: [string, string][];
	body: ArrayBuffer;
}

const pages = new Map<string, CachedPage>();

export function isCacheable(request: Request, url: URL): boolean {
	return request.method === 'GET' && url.search === '' && CACHEABLE.has(url.pathname);
}

/** The page from this instance's copy when fresh, else rendered and kept. */
export async function servePage(url: URL, render: () => Promise<Response>): Promise<Response> {
	const cached = pages.get(url.pathname);
	if (cached && cached.until > Date.now()) {
		return new Response(cached.body.slice(0), { status: cached.status, headers: cached.headers });
	}
	const response = await render();
	const type = response.headers.get('content-type') ?? '';
	if (
		response.status !== 200 ||
		!type.startsWith('text/html') ||
		response.headers.has('set-cookie')
	) {
		return response;
	}
	const body = await response.arrayBuffer();
	const headers = [...response.headers].filter(([name]) => name !== 'x-request-id');
	pages.set(url.pathname, {
		until: Date.now() + PAGE_CACHE_SECONDS * 1000,
		status: response.status,
		headers,
		body
	});
	return new Response(body.slice(0), { status: response.status, headers });
}

/** Called when staff publish something these pages show. */
export function clearPageCache(): void {
	pages.clear();
}
