import type { Component } from 'svelte';
import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import type { EmailKind, Language } from '../types.ts';
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
}

export interface TemplateProps<Data> {
	data: Data;
	language: Language;
	kind: EmailKind;
	recipient: RecipientFields;
}

export interface EmailTemplate<Data = Record<string, unknown>> {
	component: Component<TemplateProps<Data>>;
	subject(data: Data, language: Language): string;
	preheader(data: Data, language: Language): string;
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

function define<Data>(template: EmailTemplate<Data>): EmailTemplate<Data> {
	return template;
}

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
	'petition-thanks': define<PetitionThanksData>({
		component: PetitionThanks,
		subject: (_data, language) => m.petition_email_subject({}, { locale: language }),
		preheader: (data, language) =>
			m.petition_email_thanks({ title: data.title }, { locale: language })
	}),
	update: define<UpdateData>({
		component: Update,
		subject: (data, language) =>
			(data.content[language] ?? data.content.en)?.subject ??
			m.email_update_fallback_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) => (data.content[language] ?? data.content.en)?.preheader ?? ''
	})
} satisfies Record<string, EmailTemplate<never>>;

export type TemplateName = keyof typeof templates;

export function isTemplateName(name: string): name is TemplateName {
	return Object.hasOwn(templates, name);
}
