import { describe, expect, it } from 'vitest';
import { retryDelay } from './worker.ts';

// EMAIL_RETRY_BASE_MS is 1000 unless set.
describe('retryDelay', () => {
	it.each([
		[1, 500, 1000],
		[2, 1000, 2000],
		[3, 2000, 4000],
		[20, 150_000, 300_000]
	])(
		'attempt %i waits between %i and %i ms, doubling, capped at 5 minutes',
		(attempt, low, high) => {
			expect(retryDelay(attempt, undefined, () => 0)).toBe(low);
			expect(retryDelay(attempt, undefined, () => 1)).toBe(high);
		}
	);

	it('never retries sooner than Resend’s retry-after', () => {
		expect(retryDelay(1, 30_000, () => 0.5)).toBe(30_000);
		expect(retryDelay(3, 10, () => 0.5)).toBe(3000);
	});
});
