import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import {
	buildCampaignNews,
	buildPetitionNews,
	buildResultsUpdate,
	escapeMarkdown,
	escapeParagraph,
	type CampaignNewsInput,
	type MetricFigure,
	type PetitionNewsInput,
	type SeriesFigure
} from './drafts.ts';

const SITE = 'https://champions.example';

const rescued: MetricFigure = {
	key: 'victims_rescued',
	value: 1775,
	unit: 'people',
	qualifier: 'plus',
	source_title: 'IJM Canada, A Proven Solution to a Global Problem',
	source_url: 'https://www.ijm.ca/research',
	text: {
		en: {
			label: 'victims rescued',
			as_of: 'at the time of the report',
			place: 'the Philippines and Cambodia'
		},
		fr: {
			label: 'victimes secourues',
			as_of: 'au moment du rapport',
			place: 'Philippines et Cambodge'
		}
	}
};

const protectedPeople: MetricFigure = {
	...rescued,
	key: 'people_protected',
	value: 7300000,
	qualifier: 'exact',
	source_url: null,
	text: {
		en: { label: 'people protected', as_of: '2023', place: 'four countries' },
		fr: { label: 'personnes protégées', as_of: '2023', place: 'quatre pays' }
	}
};

const cambodia: SeriesFigure = {
	key: 'cambodia_minors_share',
	unit: 'percent',
	version: 1764000000000,
	text: {
		en: { title: 'Cambodia: minors among people in commercial sex', caption: 'The share fell.' },
		fr: { title: 'Cambodge : part des mineurs', caption: 'La part a baissé.' }
	},
	points: [
		{
			value: 30,
			value_low: 15,
			source_title: 'IJM, Cambodia study pages',
			source_url: 'https://www.ijm.org/cambodia',
			text: {
				en: { label: 'Early 2000s', as_of: 'early 2000s' },
				fr: { label: 'Début des années 2000', as_of: 'début des années 2000' }
			}
		},
		{
			value: 2.2,
			value_low: null,
			source_title: 'IJM 2015 assessment',
			source_url: 'https://www.ijm.org/cambodia',
			text: { en: { label: '2015', as_of: '2015' }, fr: { label: '2015', as_of: '2015' } }
		}
	]
};

describe('buildResultsUpdate', () => {
	const draft = buildResultsUpdate(
		{ metrics: [rescued, protectedPeople], series: [cambodia] },
		SITE
	);

	it('lists each changed metric with its figure as the impact page writes it, where, when and its source', () => {
		expect(draft.topic).toBe('results');
		expect(draft.changed).toEqual({
			metrics: ['victims_rescued', 'people_protected'],
			series: ['cambodia_minors_share']
		});
		const en = draft.content.en.body;
		expect(en).toContain(
			'- **1,775+** victims rescued (the Philippines and Cambodia, at the time of the report). ' +
				'Source: [IJM Canada, A Proven Solution to a Global Problem](https://www.ijm.ca/research).'
		);
		// A source without an address is named, not linked.
		expect(en).toContain(
			'- **7.3 million** people protected (four countries, 2023). Source: IJM Canada, A Proven Solution to a Global Problem.'
		);
		const fr = draft.content.fr.body;
		expect(fr).toContain(
			'- **1\u00a0775+** victimes secourues (Philippines et Cambodge, au moment du rapport).'
		);
		expect(fr).toContain(
			'Source : [IJM Canada, A Proven Solution to a Global Problem](https://www.ijm.ca/research).'
		);
	});

	it('shows each changed series as its chart image, its values in words and its sources', () => {
		const en = draft.content.en.body;
		expect(en).toContain('## Cambodia: minors among people in commercial sex');
		expect(en).toContain(
			'![The share fell. In figures: Early 2000s: 15–30%; 2015: 2.2%.]' +
				`(${SITE}/email/charts/cambodia_minors_share.png?lang=en&v=1764000000000)`
		);
		expect(en).toContain('\n\nIn figures: Early 2000s: 15–30%; 2015: 2.2%.\n\n');
		expect(en).toContain(
			'Sources: [IJM, Cambodia study pages](https://www.ijm.org/cambodia); ' +
				'[IJM 2015 assessment](https://www.ijm.org/cambodia).'
		);
		const fr = draft.content.fr.body;
		expect(fr).toContain('/email/charts/cambodia_minors_share.png?lang=fr&v=1764000000000)');
		expect(fr).toContain(
			'En chiffres : Début des années 2000 : 15 à 30\u00a0%; 2015 : 2,2\u00a0%.'
		);
	});

	it('reads as Markdown into a list of figures, a chart image with its text alternative, and source links', () => {
		const html = marked.parse(draft.content.en.body, { async: false });
		expect(html).toContain('<li><strong>1,775+</strong> victims rescued');
		expect(html).toContain('<a href="https://www.ijm.ca/research">IJM Canada');
		expect(html).toContain(
			`<img src="${SITE}/email/charts/cambodia_minors_share.png?lang=en&amp;v=1764000000000" alt="The share fell. In figures: Early 2000s: 15–30%; 2015: 2.2%.">`
		);
		expect(html).toContain('<h2>Cambodia: minors among people in commercial sex</h2>');
	});

	it('names the period beside a value when its label does not already say it', () => {
		const series = {
			...cambodia,
			points: [
				{
					...cambodia.points[1],
					text: { ...cambodia.points[1].text, en: { label: 'Metro Cebu', as_of: '2006 to 2010' } }
				}
			]
		};
		const { body } = buildResultsUpdate({ metrics: [], series: [series] }, SITE).content.en;
		expect(body).toContain('In figures: Metro Cebu (2006 to 2010): 2.2%.');
		expect(body).toContain('Source: [IJM 2015 assessment](https://www.ijm.org/cambodia).');
	});

	it('has a subject, a preheader and a call to read the full story, in each language', () => {
		expect(draft.content.en).toMatchObject({
			subject: 'The latest results of your support',
			cta: { label: 'Read the full story', url: `${SITE}/impact`, kind: 'read' }
		});
		expect(draft.content.en.preheader).not.toBe('');
		expect(draft.content.fr).toMatchObject({
			subject: 'Les derniers résultats de votre soutien',
			cta: { label: 'Lire toute l’histoire', url: `${SITE}/fr/impact`, kind: 'read' }
		});
	});

	it('says so when nothing changed', () => {
		const empty = buildResultsUpdate({ metrics: [], series: [] }, SITE);
		expect(empty.changed).toEqual({ metrics: [], series: [] });
		expect(empty.content.en.body).toBe('No published figure has changed since our last update.\n');
	});

	it('keeps words from the database from being read as Markdown', () => {
		const tricky: MetricFigure = {
			...rescued,
			source_title: 'Report [draft] *final*',
			source_url: 'https://example.org/a_(b)',
			text: { ...rescued.text, en: { label: '<b>people</b>', as_of: '2020', place: 'A | B' } }
		};
		const { body } = buildResultsUpdate({ metrics: [tricky], series: [] }, SITE).content.en;
		expect(body).toContain(
			'\\<b\\>people\\</b\\> (A \\| B, 2020). Source: [Report \\[draft\\] \\*final\\*](https://example.org/a_%28b%29).'
		);
		const html = marked.parse(body, { async: false });
		expect(html).toContain('&lt;b&gt;people&lt;/b&gt; (A | B, 2020)');
		expect(html).toContain('<a href="https://example.org/a_%28b%29">Report [draft] *final*</a>');
	});
});

describe('escaping', () => {
	it.each([
		['a_b*c', 'a\\_b\\*c'],
		['[x](y)', '\\[x\\](y)'],
		['two\nlines', 'two lines'],
		['# not a heading', '\\# not a heading']
	])('escapeMarkdown(%j)', (text, escaped) => {
		expect(escapeMarkdown(text)).toBe(escaped);
	});

	it.each([
		['1. not a list', '1\\. not a list'],
		['- not a list', '\\- not a list'],
		['--- not a rule', '\\--- not a rule'],
		['7.3 million is not a list', '7.3 million is not a list'],
		['-5 % is not a list', '-5 % is not a list'],
		['plain', 'plain']
	])('escapeParagraph(%j)', (text, escaped) => {
		expect(escapeParagraph(text)).toBe(escaped);
	});
});

const petition: PetitionNewsInput = {
	slug: 'protect-children-online',
	open: true,
	goal: 10000,
	count: 1234,
	delivered_at: null,
	won_at: null,
	text: {
		en: { title: 'Stop the abuse', target: 'The Minister of Public Safety' },
		fr: { title: 'Arrêter les abus', target: 'Le ministre de la Sécurité publique' }
	},
	campaign: { slug: 'protect-children-online', open: true },
	update: null
};

describe('buildPetitionNews', () => {
	it('asks people to sign an open petition, with its count and goal', () => {
		const draft = buildPetitionNews(petition, SITE);
		expect(draft.topic).toBe('campaigns');
		expect(draft.content.en.subject).toBe('News: Stop the abuse');
		expect(draft.content.en.body).toContain(
			'The petition “Stop the abuse”, addressed to The Minister of Public Safety, is open for signatures.'
		);
		expect(draft.content.en.body).toContain('Signatures: 1,234 (goal: 10,000).');
		expect(draft.content.en.cta).toEqual({
			label: 'Sign the petition',
			url: `${SITE}/petitions/protect-children-online`,
			kind: 'sign'
		});
		expect(draft.content.fr.body).toContain('Signatures : 1\u00a0234 (objectif : 10\u00a0000).');
		expect(draft.content.fr.cta?.url).toBe(`${SITE}/fr/petitions/protect-children-online`);
	});

	it('says a delivered petition was delivered, when and to whom, with its update, and asks for a gift', () => {
		const draft = buildPetitionNews(
			{
				...petition,
				delivered_at: '2027-03-03T15:00:00Z',
				update: {
					text: {
						en: {
							title: 'Handed to the Minister',
							body: 'We met her office.\n\n1. Next: a reply.'
						},
						fr: { title: 'Remise au ministre', body: 'Nous avons rencontré son cabinet.' }
					}
				}
			},
			SITE
		);
		const en = draft.content.en;
		expect(en.subject).toBe('Delivered: Stop the abuse');
		expect(en.body).toContain(
			'On March 3, 2027, we delivered the petition “Stop the abuse” to The Minister of Public Safety.'
		);
		expect(en.body).toContain('Signatures: 1,234 (goal: 10,000).');
		expect(en.body).toContain(
			'## Handed to the Minister\n\nWe met her office.\n\n1\\. Next: a reply.'
		);
		expect(en.cta).toEqual({
			label: 'Give to this campaign',
			url: `${SITE}/donate?campaign=protect-children-online`,
			kind: 'give'
		});
		expect(draft.content.fr.body).toContain(
			'Le 3 mars 2027, nous avons remis la pétition « Arrêter les abus »'
		);
		expect(draft.content.fr.cta?.url).toBe(`${SITE}/fr/donate?campaign=protect-children-online`);
	});

	it('leads with a win over a delivery, and with a reached goal over an open petition', () => {
		const won = buildPetitionNews(
			{ ...petition, delivered_at: '2027-03-03T15:00:00Z', won_at: '2027-05-01T15:00:00Z' },
			SITE
		);
		expect(won.content.en.subject).toBe('We won: Stop the abuse');
		expect(won.content.en.body).toContain('Good news: the petition “Stop the abuse”');
		expect(won.content.fr.subject).toBe('Victoire : Arrêter les abus');
		const goal = buildPetitionNews({ ...petition, count: 10000 }, SITE);
		expect(goal.content.en.subject).toBe('Goal reached: Stop the abuse');
		expect(goal.content.en.body).toContain('The petition “Stop the abuse” has reached its goal.');
		// Reaching the goal does not close it: people can still sign.
		expect(goal.content.en.cta?.kind).toBe('sign');
	});

	it('offers to read a closed petition that has no open campaign', () => {
		const draft = buildPetitionNews({ ...petition, open: false, campaign: null }, SITE);
		expect(draft.content.en.body).toContain('is now closed.');
		expect(draft.content.en.cta).toEqual({
			label: 'Read the petition',
			url: `${SITE}/petitions/protect-children-online`,
			kind: 'read'
		});
	});
});

describe('buildCampaignNews', () => {
	const campaign: CampaignNewsInput = {
		slug: 'protect-children-online',
		open: true,
		goal_cents: 5000000,
		raised_cents: 1250050,
		currency: 'cad',
		text: { en: { title: 'Protect children online' }, fr: { title: 'Protéger les enfants' } },
		petitions: [petition],
		update: null
	};

	it('gives what was raised against the goal, each petition with its count, and asks for a gift', () => {
		const draft = buildCampaignNews(campaign, SITE);
		const en = draft.content.en;
		expect(draft.topic).toBe('campaigns');
		expect(en.subject).toBe('News: Protect children online');
		expect(en.body).toContain('Here is where the campaign “Protect children online” stands.');
		expect(en.body).toContain('Raised so far: $12,500.50 of a goal of $50,000.');
		expect(en.body).toContain(
			'- **Stop the abuse**: open for signatures. Signatures: 1,234 (goal: 10,000).'
		);
		expect(en.cta).toEqual({
			label: 'Give to this campaign',
			url: `${SITE}/donate?campaign=protect-children-online`,
			kind: 'give'
		});
		expect(draft.content.fr.body).toContain(
			'Montant recueilli : 12\u00a0500,50\u00a0$ sur un objectif de 50\u00a0000\u00a0$.'
		);
	});

	it('says the goal was reached, or that a petition was won or delivered', () => {
		const reached = buildCampaignNews({ ...campaign, raised_cents: 5000000 }, SITE);
		expect(reached.content.en.subject).toBe('Goal reached: Protect children online');
		const won = buildCampaignNews(
			{ ...campaign, petitions: [{ ...petition, won_at: '2027-05-01T15:00:00Z' }] },
			SITE
		);
		expect(won.content.en.subject).toBe('We won: Protect children online');
		expect(won.content.en.body).toContain('- **Stop the abuse**: won.');
		const delivered = buildCampaignNews(
			{ ...campaign, petitions: [{ ...petition, delivered_at: '2027-03-03T15:00:00Z' }] },
			SITE
		);
		expect(delivered.content.en.body).toContain(
			'- **Stop the abuse**: delivered on March 3, 2027.'
		);
	});

	it('offers to read about a closed campaign instead of giving', () => {
		const draft = buildCampaignNews({ ...campaign, open: false, petitions: [] }, SITE);
		expect(draft.content.en.body).toContain('has ended');
		expect(draft.content.en.cta).toMatchObject({
			kind: 'read',
			url: `${SITE}/campaigns/protect-children-online`
		});
	});
});
