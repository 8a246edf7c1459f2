import { describe, expect, it } from 'vitest';
import { checkToken, signToken } from './tracking.ts';

const KEY = 'a-secret-for-tests-only';

describe('tracking tokens', () => {
	it('reads back the outbox id it was signed for', () => {
		const token = signToken(KEY, 4821);
		expect(token).toMatch(/^4821\.[A-Za-z0-9_-]{22}$/);
		expect(checkToken(KEY, token)).toBe(4821);
	});

	it('is the same for the same id, and different for another id or another secret', () => {
		expect(signToken(KEY, 7)).toBe(signToken(KEY, 7));
		expect(signToken(KEY, 7).split('.')[1]).not.toBe(signToken(KEY, 8).split('.')[1]);
		expect(signToken('another-secret', 7)).not.toBe(signToken(KEY, 7));
	});

	it.each([
		[
			'another id with the same signature (someone else’s click)',
			() => {
				const [, signature] = signToken(KEY, 4821).split('.');
				return `4822.${signature}`;
			}
		],
		[
			'a changed signature',
			() => {
				const token = signToken(KEY, 4821);
				const last = token.at(-1) === 'A' ? 'B' : 'A';
				return token.slice(0, -1) + last;
			}
		],
		['a signature one character short', () => signToken(KEY, 4821).slice(0, -1)],
		['a signature one character long', () => `${signToken(KEY, 4821)}A`],
		['a signature made with another secret', () => signToken('another-secret', 4821)],
		['no signature', () => '4821'],
		['an id with a leading zero', () => `0${signToken(KEY, 4821)}`],
		[
			'an id beyond what a number holds exactly',
			() => signToken(KEY, 2 ** 53).replace(/^\d+/, '9007199254740993')
		],
		['a negative id', () => signToken(KEY, 4821).replace(/^/, '-')],
		['nothing', () => '']
	])('refuses %s', (_case, make) => {
		expect(checkToken(KEY, make())).toBeNull();
	});
});
