import { describe, expect, it, vi } from 'vitest';
import { handleError } from './hooks.server.ts';

function eventWithLog() {
	const log = { error: vi.fn() };
	return {
		log,
		event: {
			locals: { requestId: 'req-123', log },
			url: new URL('http://localhost/impact')
		} as never
	};
}

describe('handleError', () => {
	it('shows the reader a kind message and a reference id, and logs the error once under that id', async () => {
		const { event, log } = eventWithLog();
		const error = new Error('connect ECONNREFUSED 127.0.0.1:54321 at Client.query (db.ts:12)');
		const shown = await handleError({ kind: 'unknown', error, event } as never);
		expect(shown).toEqual({
			message: 'Something went wrong on our side. Please try again in a moment.',
			id: 'req-123'
		});
		expect(JSON.stringify(shown)).not.toContain('ECONNREFUSED');
		expect(log.error).toHaveBeenCalledTimes(1);
		expect(log.error.mock.calls[0][0]).toMatchObject({ err: error, path: '/impact' });
	});

	it('leaves expected errors (404, error(400, …)) to say what they say, unlogged', async () => {
		const { event, log } = eventWithLog();
		const shown = await handleError({
			kind: 'framework',
			error: new Error('Not Found'),
			event
		} as never);
		expect(shown).toBeUndefined();
		expect(log.error).not.toHaveBeenCalled();
	});
});
