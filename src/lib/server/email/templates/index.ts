import type { Component } from 'svelte';
import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import { formatMoney } from '#lib/donations/money.ts';
import Automation from './Automation.svelte';
import {
	prepareAutomation,
	preparePetitionThanks,
	type AutomationEmailData,
	type AutomationQueued,
	type PetitionThanksEmailData
} from './automation.ts';
import Broadcast from './Broadcast.svelte';
import { prepareBroadcast, type BroadcastEmailData, type BroadcastQueued } from './broadcast.ts';
import type { PreparedEmail } from '../prepare.ts';
import type { EmailKind, Language } from '../types.ts';
import DonationReceipt from './DonationReceipt.svelte';
import DonationRenewalFailed from './DonationRenewalFailed.svelte';
import DonationThanks from './DonationThanks.svelte';
import DonationTribute from './DonationTribute.svelte';
import {
	prepareReceipt,
	prepareThanks,
	prepareTribute,
	type DonationReceiptData,
	type DonationReceiptQueued,
	type DonationRenewalFailedData,
	type DonationThanksData,
	type DonationThanksQueued,
	type DonationTributeData,
	type DonationTributeQueued
} from './donations.ts';
import GivingLink, { type GivingLinkData } from './GivingLink.svelte';
import PetitionThanks from './PetitionThanks.svelte';
import PrivacyConfirm from './PrivacyConfirm.svelte';
import PrivacyNoData from './PrivacyNoData.svelte';
import Sample from './Sample.svelte';
import RePermission from './RePermission.svelte';
import StaffSignIn from './StaffSignIn.svelte';
import Update from './Update.svelte';

/** What each template gets of its recipient (merge fields). */
export interface RecipientFields {
	firstName: string;
	unsubscribeUrl: string;
	/** Where a supporter whose implied consent is ending says "keep me informed". */
	keepConsentUrl: string;
	/** Their preference centre (topics, language, unsubscribe), linked from broadcasts. */
	preferencesUrl?: string;
}

export interface TemplateProps<Data> {
	data: Data;
	language: Language;
	kind: EmailKind;
	recipient: RecipientFields;
}

/**
 * An email: its component, subject and preheader render from `Data` alone, at once.
 * A template queued with ids only (`Queued`) has a `prepare` step that reads what it
 * shows, and makes its attachments, before it is rendered (see ../prepare.ts).
 */
export interface EmailTemplate<Data = Record<string, unknown>, Queued = Data> {
	component: Component<TemplateProps<Data>>;
	subject(data: Data, language: Language): string;
	preheader(data: Data, language: Language): string;
	/** Why the reader gets this email, for the footer, when the usual words are not true. */
	footerWhy?(language: Language): string;
	prepare?(queued: Queued, language: Language): Promise<PreparedEmail<Data>>;
}

export interface UpdateData {
	content: Partial<
		Record<
			Language,
			{
				subject: string;
				preheader?: string;
				paragraphs: string[];
				cta?: { label: string; url: string };
			}
		>
	>;
}

export interface RePermissionData {
	/** When their implied consent ends (ISO date). */
	expiresAt: string;
}

export interface StaffSignInData {
	link: string;
	minutes: number;
}

export interface PrivacyConfirmData {
	kind: 'access' | 'erasure';
	link: string;
	hours: number;
}

/** As petition_sign queues it. */
export interface PetitionThanksData {
	/** The petition's slug. */
	petition: string;
	/** The signer's referral code, for their share link. */
	referral: string;
	/** The petition's title in the signer's language. */
	title: string;
}

export interface PrivacyNoDataData {
	kind: 'access' | 'erasure';
}

/** A date as a reader in that language writes it ("March 3, 2027" / "3 mars 2027"). */
export function formatEmailDate(iso: string, language: Language): string {
	return new Intl.DateTimeFormat(language === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'long',
		timeZone: 'UTC'
	}).format(new Date(iso));
}

/** Any template, whatever its data: what the registry below is checked against. */
type AnyTemplate = Omit<EmailTemplate<never, never>, 'prepare'> & {
	prepare?(queued: never, language: Language): Promise<PreparedEmail<unknown>>;
};

function define<Data, Queued = Data>(
	template: EmailTemplate<Data, Queued>
): EmailTemplate<Data, Queued> {
	return template;
}

const money = (cents: number, currency: string, language: Language) =>
	formatMoney(Number(cents), currency, language);

/** Every email the site sends, by the name stored in the outbox's `template` column. */
export const templates = {
	sample: define<Record<string, never>>({
		component: Sample,
		subject: (_data, language) =>
			m.email_sample_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (_data, language) => m.email_sample_preheader({}, { locale: language })
	}),
	'staff-sign-in': define<StaffSignInData>({
		component: StaffSignIn,
		subject: (_data, language) =>
			m.email_staff_sign_in_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) =>
			m.email_staff_sign_in_expiry({ minutes: data.minutes }, { locale: language })
	}),
	'privacy-confirm': define<PrivacyConfirmData>({
		component: PrivacyConfirm,
		subject: (data, language) =>
			data.kind === 'erasure'
				? m.privacy_email_confirm_subject_erasure({}, { locale: language })
				: m.privacy_email_confirm_subject_access({}, { locale: language }),
		preheader: (data, language) =>
			m.privacy_email_confirm_expiry({ hours: data.hours ?? 24 }, { locale: language })
	}),
	'privacy-no-data': define<PrivacyNoDataData>({
		component: PrivacyNoData,
		subject: (_data, language) =>
			m.privacy_email_no_data_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (_data, language) => m.privacy_email_no_data_body({}, { locale: language })
	}),
	repermission: define<RePermissionData>({
		component: RePermission,
		subject: (_data, language) =>
			m.email_repermission_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) =>
			m.email_repermission_preheader(
				{ date: formatEmailDate(data.expiresAt, language) },
				{ locale: language }
			)
	}),
	'petition-thanks': define<PetitionThanksEmailData, PetitionThanksData>({
		component: PetitionThanks,
		// Staff's words, when they wrote some (an automation: see automation.ts).
		prepare: preparePetitionThanks,
		subject: (data, language) =>
			data.words?.subject ?? m.petition_email_subject({}, { locale: language }),
		preheader: (data, language) =>
			data.words?.preheader ?? m.petition_email_thanks({ title: data.title }, { locale: language })
	}),
	'giving-link': define<GivingLinkData>({
		component: GivingLink,
		subject: (_data, language) =>
			m.giving_email_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) =>
			data.link
				? m.giving_email_expiry({ minutes: data.minutes }, { locale: language })
				: m.giving_email_no_gifts({}, { locale: language })
	}),
	'donation-thanks': define<DonationThanksData, DonationThanksQueued>({
		component: DonationThanks,
		prepare: prepareThanks,
		subject: (data, language) =>
			data.frequency === 'monthly'
				? m.email_donation_thanks_subject_monthly({}, { locale: language })
				: m.email_donation_thanks_subject({}, { locale: language }),
		preheader: (data, language) =>
			m.email_donation_thanks_preheader(
				{ amount: money(data.amountCents, data.currency, language) },
				{ locale: language }
			)
	}),
	'donation-receipt': define<DonationReceiptData, DonationReceiptQueued>({
		component: DonationReceipt,
		prepare: prepareReceipt,
		subject: (data, language) =>
			data.replaces
				? m.email_donation_receipt_subject_replaces({ serial: data.serial }, { locale: language })
				: data.kind === 'annual'
					? m.email_donation_receipt_subject_annual(
							{ year: String(data.taxYear) },
							{ locale: language }
						)
					: m.email_donation_receipt_subject({ serial: data.serial }, { locale: language }),
		preheader: (data, language) =>
			m.email_donation_receipt_preheader(
				{ amount: money(data.amountCents, data.currency, language), serial: data.serial },
				{ locale: language }
			)
	}),
	'donation-tribute': define<DonationTributeData, DonationTributeQueued>({
		component: DonationTribute,
		prepare: prepareTribute,
		subject: (data, language) => {
			const name = data.name ?? m.email_donation_tribute_name_fallback({}, { locale: language });
			return data.kind === 'memory'
				? m.email_donation_tribute_subject_memory({ name }, { locale: language })
				: m.email_donation_tribute_subject_honour({ name }, { locale: language });
		},
		preheader: (_data, language) =>
			m.email_donation_tribute_preheader({ charity: CHARITY_NAME }, { locale: language }),
		// The person honoured did nothing on our site: the footer says why they got it.
		footerWhy: (language) => m.email_donation_tribute_why({}, { locale: language })
	}),
	'donation-renewal-failed': define<DonationRenewalFailedData>({
		component: DonationRenewalFailed,
		subject: (_data, language) => m.email_donation_renewal_failed_subject({}, { locale: language }),
		preheader: (data, language) =>
			m.email_donation_renewal_failed_preheader(
				{ amount: money(data.amount_cents, data.currency, language) },
				{ locale: language }
			)
	}),
	broadcast: define<BroadcastEmailData, BroadcastQueued>({
		component: Broadcast,
		prepare: prepareBroadcast,
		subject: (data, language) =>
			data.test
				? m.broadcast_email_test_subject({ subject: data.subject }, { locale: language })
				: data.subject,
		preheader: (data) => data.preheader
	}),
	automation: define<AutomationEmailData, AutomationQueued>({
		component: Automation,
		prepare: prepareAutomation,
		subject: (data) => data.subject,
		preheader: (data) => data.preheader
	}),
	update: define<UpdateData>({
		component: Update,
		subject: (data, language) =>
			(data.content[language] ?? data.content.en)?.subject ??
			m.email_update_fallback_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) => (data.content[language] ?? data.content.en)?.preheader ?? ''
	})
} satisfies Record<string, AnyTemplate>;

export type TemplateName = keyof typeof templates;

export function isTemplateName(name: string): name is TemplateName {
	return Object.hasOwn(templates, name);
}
