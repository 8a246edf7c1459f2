import { describe, expect, it } from 'vitest';
import { milestones, percentOf } from './progress.ts';

describe('the goal bar', () => {
	it('marks a quarter, half, three quarters and the goal, reached or not', () => {
		expect(milestones(5000, 10000)).toEqual([
			{ percent: 25, at: 2500, reached: true },
			{ percent: 50, at: 5000, reached: true },
			{ percent: 75, at: 7500, reached: false },
			{ percent: 100, at: 10000, reached: false }
		]);
	});

	it('rounds a milestone up to a whole signature', () => {
		expect(milestones(0, 10).map((milestone) => milestone.at)).toEqual([3, 5, 8, 10]);
	});

	it.each([
		[0, 10000, 0],
		[9999, 10000, 99],
		[10000, 10000, 100],
		[25000, 10000, 100],
		[5, 0, 0]
	])('%i of %i is %i %%', (count, goal, percent) => {
		expect(percentOf(count, goal)).toBe(percent);
	});
});
