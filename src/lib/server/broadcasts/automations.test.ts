import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { automationErrors, automationSchema, automationValues } from '#lib/schemas/automation.ts';
import { renderEmail } from '../email/render.ts';
import {
	AUTOMATION_KEYS,
	builtInContent,
	freezeAutomation,
	petitionThanksWords
} from '../email/templates/automation.ts';
import { mergeFieldErrors } from './automations.ts';

// The words of automated emails: the built-in ones in both languages, staff's
// checked and frozen, and the petition title filled in per signer.

const recipient = { firstName: 'Marie', unsubscribeUrl: '', keepConsentUrl: '' };

function render(template: string, data: unknown, language: 'en' | 'fr' = 'en') {
	return renderEmail({
		template,
		kind: template === 'petition-thanks' ? 'transactional' : 'broadcast',
		language,
		data,
		to: 'marie@example.org',
		from: 'IJM Canada <updates@example.org>',
		recipient,
		givenName: 'Marie'
	});
}

describe('built-in words', () => {
	it.each(AUTOMATION_KEYS.filter((key) => key !== 'petition-thanks'))(
		'%s greets the reader by name in both languages, with a button to a page of the site in their language',
		(key) => {
			const { rendered, links } = freezeAutomation(key, builtInContent(key));
			for (const language of ['en', 'fr'] as const) {
				const email = render(
					'automation',
					{ automation: key, ...rendered[language], links },
					language
				);
				expect(email.subject.length).toBeGreaterThan(5);
				expect(email.text).toContain(language === 'fr' ? 'Bonjour Marie,' : 'Hello Marie,');
				expect(email.html).toContain('class="button"');
				expect(email.html).not.toContain('link.invalid');
				const button = /class="button"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="button"/.exec(
					email.html
				);
				const href = button?.[1] ?? button?.[2] ?? '';
				expect(href).toMatch(
					language === 'fr' ? /^https?:\/\/[^/]+\/fr\// : /^https?:\/\/[^/]+\/(?!fr\/)/
				);
			}
		}
	);

	it('welcome-1 links to the impact story, welcome-2 to giving and to the campaigns, gift-at-work to the story and to managing one’s giving', () => {
		const linksOf = (key: (typeof AUTOMATION_KEYS)[number]) =>
			freezeAutomation(key, builtInContent(key)).links.map((url) => new URL(url).pathname);
		expect(linksOf('welcome-1')).toEqual(expect.arrayContaining(['/impact', '/fr/impact']));
		expect(linksOf('welcome-2')).toEqual(
			expect.arrayContaining(['/campaigns', '/donate', '/fr/campaigns', '/fr/donate'])
		);
		expect(linksOf('gift-at-work')).toEqual(
			expect.arrayContaining(['/impact', '/giving', '/fr/impact', '/fr/giving'])
		);
	});

	it('the petition thank-you starts from what the email says by itself, with the petition’s title as a merge field', () => {
		const content = builtInContent('petition-thanks');
		expect(content.en.body).toContain('{{petition_title}}');
		expect(content.fr.subject).toBe('Merci d’avoir signé');
	});
});

describe('staff’s words', () => {
	const written = (body: string) => ({
		en: { subject: 'Thanks for signing {{petition_title}}', preheader: '', body, cta: null },
		fr: { subject: 'Merci', preheader: '', body: 'Merci pour {{ petition_title }}.', cta: null }
	});

	it('the petition title goes in each signer’s email, escaped, in subject and body', () => {
		const { rendered, links } = freezeAutomation(
			'petition-thanks',
			written('You signed **{{petition_title}}**.')
		);
		const words = petitionThanksWords(rendered.en, 'Stop it <now> & here');
		expect(words.subject).toBe('Thanks for signing Stop it <now> & here');
		expect(words.html).toContain('<strong>Stop it &lt;now&gt; &amp; here</strong>');
		const email = render('petition-thanks', {
			petition: 'stop-it',
			referral: 'a1b2c3d4e5',
			title: 'Stop it <now> & here',
			words,
			links
		});
		expect(email.subject).toBe('Thanks for signing Stop it <now> & here');
		// The share link stays after staff's words.
		expect(email.text).toMatch(/\/petitions\/stop-it\?ref=a1b2c3d4e5/);
		expect(petitionThanksWords(rendered.fr, 'Agissez').html).toContain('Merci pour Agissez.');
	});

	it('refuses merge fields the email cannot fill, naming them next to the field', () => {
		expect(
			mergeFieldErrors('petition-thanks', written('Hi {{first_name|friend}}, {{petition_title}}'))
		).toEqual({});
		const errors = mergeFieldErrors('welcome-1', written('Dear {{last_name}}'));
		expect(Object.keys(errors).sort()).toEqual(['a_en_body', 'a_en_subject', 'a_fr_body']);
		expect(errors.a_en_body?.[0]).toContain('{{last_name}}');
	});

	it('a save needs a subject and a body in both languages, both parts of a button, and the delay', () => {
		const values = automationValues(builtInContent('welcome-1'), 0);
		const ok = v.parse(automationSchema, values);
		expect(automationErrors(ok, { needsDelay: true })).toEqual({});
		expect(ok.delayDays).toBe(0);
		const missing = v.parse(automationSchema, {
			...values,
			delay_days: '',
			a_fr_body: '',
			a_en_cta_url: ''
		});
		expect(Object.keys(automationErrors(missing, { needsDelay: true })).sort()).toEqual([
			'a_en_cta_url',
			'a_fr_body',
			'delay_days'
		]);
		expect(automationErrors(missing, { needsDelay: false })).not.toHaveProperty('delay_days');
		// The thank-you after signing reaches signers without consent: no appeal in it.
		const appeal = {
			...ok,
			content: {
				en: {
					...ok.content.en,
					body: 'Thanks! [Give](/donate)',
					cta: { label: 'Give', url: '/donate', kind: 'give' as const }
				},
				fr: ok.content.fr
			}
		};
		expect(
			Object.keys(automationErrors(appeal, { needsDelay: false, transactional: true })).sort()
		).toEqual(['a_en_body', 'a_en_cta_kind']);
		expect(automationErrors(appeal, { needsDelay: false })).toEqual({});
		expect(v.safeParse(automationSchema, { ...values, delay_days: '400' }).success).toBe(false);
		expect(v.safeParse(automationSchema, { ...values, delay_days: '2.5' }).success).toBe(false);
	});
});
