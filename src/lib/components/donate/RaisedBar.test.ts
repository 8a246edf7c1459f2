import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import RaisedBar from './RaisedBar.svelte';

const text = (html: string) =>
	html
		.replace(/<!--.*?-->/g, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();

describe('what a campaign raised', () => {
	it('says the amount, the goal, how far along and how many gave, and draws the bar', () => {
		const { body } = render(RaisedBar, {
			props: {
				id: 'r',
				raisedCents: 1_250_050,
				goalCents: 5_000_000,
				donors: 1234,
				currency: 'cad'
			}
		});
		expect(text(body)).toBe(
			'$12,500.50 raised 25% of the goal Goal: $50,000 25% of the goal Donors: 1,234'
		);
		expect(body).toMatch(
			/<progress aria-labelledby="r-label r-goal" max="5000000" value="1250050"/
		);
	});

	it('says the goal is reached, and never draws past it', () => {
		const { body } = render(RaisedBar, {
			props: { id: 'r', raisedCents: 6_000_000, goalCents: 5_000_000, donors: 3, currency: 'cad' }
		});
		expect(text(body)).toContain('Goal reached. Thank you!');
		expect(body).toContain('value="5000000"');
	});

	it('without a goal, says only what was raised', () => {
		const { body } = render(RaisedBar, {
			props: { id: 'r', raisedCents: 0, goalCents: null, donors: 0, currency: 'cad' }
		});
		expect(text(body)).toBe('$0 raised Donors: 0');
		expect(body).not.toContain('<progress');
	});
});
