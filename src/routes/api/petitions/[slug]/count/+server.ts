import { error } from '@sveltejs/kit';
import * as live from '#lib/server/petitions/live.ts';

/**
 * The petition's count as server-sent events: the count now, then each new count
 * as this instance's one poller sees it (see live.ts). 404 for a draft or an
 * unknown petition.
 */
export const GET = async ({ params, request }) => {
	if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(params.slug) || params.slug.length > 200) error(404);
	const count = await live.currentCount(params.slug);
	if (count === null) error(404);

	const encoder = new TextEncoder();
	let stop = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					stop(); // the stream was closed under us
				}
			};
			// Reconnect after 5 s if the connection drops; the count as it is now.
			send(`retry: 5000\ndata: ${JSON.stringify({ count })}\n\n`);
			const unwatch = live.watch(
				params.slug,
				{
					count: (next) => send(`data: ${JSON.stringify({ count: next })}\n\n`),
					heartbeat: () => send(': keep-alive\n\n')
				},
				count
			);
			stop = () => {
				unwatch();
				stop = () => {};
			};
			request.signal.addEventListener('abort', () => stop());
		},
		cancel() {
			stop();
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store, no-transform',
			// nginx and some proxies buffer responses unless told not to.
			'x-accel-buffering': 'no'
		}
	});
};
