import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gateway {
	url: string;
	close(): Promise<void>;
}

/**
 * What Supabase's API gateway does for /rest/v1, and no more: requires an `apikey`
 * (the anon or service-role key), uses it as the bearer token when none is given,
 * and forwards to PostgREST with the prefix removed. supabase-js is configured
 * against it exactly as against a hosted project.
 */
export function startGateway(options: {
	host: string;
	port: number;
	postgrestUrl: string;
	apiKeys: string[];
}): Promise<Gateway> {
	const upstream = new URL(options.postgrestUrl);
	const keys = new Set(options.apiKeys);

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://gateway');
		if (req.method === 'OPTIONS') {
			res.writeHead(204, corsHeaders(req)).end();
			return;
		}
		if (url.pathname === '/health') {
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			return;
		}
		if (!url.pathname.startsWith('/rest/v1')) {
			send(res, 404, { message: 'no Route matched with those values' });
			return;
		}
		const apikey = header(req, 'apikey') ?? url.searchParams.get('apikey') ?? undefined;
		if (!apikey || !keys.has(apikey)) {
			send(res, 401, {
				message: 'Invalid API key',
				hint: 'Send the anon or service-role key as `apikey`.'
			});
			return;
		}
		url.searchParams.delete('apikey');

		const headers = { ...req.headers };
		delete headers.host;
		delete headers.apikey;
		headers.authorization ??= `Bearer ${apikey}`;

		const proxied = http.request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: (url.pathname.slice('/rest/v1'.length) || '/') + url.search,
				headers
			},
			(upstreamRes) => {
				res.writeHead(upstreamRes.statusCode ?? 502, {
					...upstreamRes.headers,
					...corsHeaders(req)
				});
				upstreamRes.pipe(res);
			}
		);
		proxied.on('error', (error) => {
			if (!res.headersSent)
				send(res, 502, { message: `PostgREST is not answering: ${error.message}` });
			else res.destroy();
		});
		req.pipe(proxied);
	});
	server.keepAliveTimeout = 65_000;

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			const { port } = server.address() as AddressInfo;
			resolve({
				url: `http://${options.host}:${port}`,
				close: () =>
					new Promise<void>((done) => {
						server.closeAllConnections();
						server.close(() => done());
					})
			});
		});
	});
}

function header(req: http.IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function corsHeaders(req: http.IncomingMessage): Record<string, string> {
	return {
		'access-control-allow-origin': header(req, 'origin') ?? '*',
		'access-control-allow-headers':
			'authorization, apikey, content-type, prefer, range, accept-profile, content-profile, x-client-info',
		'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
		'access-control-expose-headers': 'content-range, content-location'
	};
}

function send(res: http.ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
