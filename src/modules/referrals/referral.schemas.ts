import { z } from 'zod';
import { HarbourError } from '../../platform/errors.js';
import { formatDate, londonToday } from '../../platform/format.js';
import { formSchema } from '../people/case.schemas.js';
import {
  CHILDREN_PRESENT,
  CONSENT_STATUSES,
  CRITERIA,
  DECLINE_CODES,
  DESTINATIONS,
  INCIDENT_TYPES,
  INJURIES,
  LAWFUL_BASES,
  LOCATION_TYPES,
} from './referral.codes.js';
import { referralErrors } from './referral.errors.js';
import type { IncidentInput } from './incident.service.js';
import type { ReferralInput } from './referral.service.js';
import type { Decision } from './screening.service.js';

/**
 * One schema per form (the people module's `formSchema`: every problem at once, in page order). The parsed input
 * rides under its own key (`incident`, `referral`, `decision`), so the fields as typed, which refill the form after a
 * refusal, keep their own shape.
 */

type Raw = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

export const SUMMARY_MAX = 2000;
export const REASONS_MAX = 4000;
export const CONSENT_REASON_MAX = 2000;
export const DECISION_REASON_MAX = 2000;
const POLICE_REFERENCE_MAX = 40;
const EARLIEST_DATE = '1900-01-01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : text(value) ? [text(value)] : []);
const isCode = <T extends string>(codes: readonly T[], value: string): value is T => (codes as readonly string[]).includes(value);

/** One answer from a list of codes, or the message saying what to choose. */
function readCode<T extends string>(raw: Raw, fail: Fail, name: string, codes: readonly T[], message: string): T | undefined {
  const value = text(raw[name]);
  return isCode(codes, value) ? value : fail(name, message);
}

/** Optional words with a length limit (characters as people count them). */
function readWords(raw: Raw, fail: Fail, name: string, label: string, max: number): string | null | undefined {
  const value = text(raw[name]);
  if ([...value].length > max) return fail(name, `${label} must be ${max} characters or fewer`);
  return value || null;
}

/** A GOV.UK date input ("<name>-day", "-month", "-year"), required, from 1 January 1900 to today (London). */
function readPastDate(raw: Raw, fail: Fail, name: string, label: string, whenBlank: string): string | undefined {
  const parts = { day: text(raw[`${name}-day`]), month: text(raw[`${name}-month`]), year: text(raw[`${name}-year`]) };
  const missing = Object.entries(parts).flatMap(([part, value]) => (value ? [] : [part]));
  if (missing.length === 3) return fail(name, whenBlank);
  if (missing.length > 0) return fail(name, `${label} must include a ${missing.join(' and ')}`);
  if (!Object.values(parts).every((value) => /^\d{1,4}$/.test(value))) return fail(name, `${label} must be a real date`);
  const iso = `${parts.year.padStart(4, '0')}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return fail(name, `${label} must be a real date`);
  if (iso < EARLIEST_DATE) return fail(name, `${label} must be the same as or after ${formatDate(EARLIEST_DATE)}`);
  if (iso > londonToday()) return fail(name, `${label} must be today or in the past`);
  return iso;
}

/** A 24-hour time, "22:40" or "22.40"; blank is no time. */
function readTime(raw: Raw, fail: Fail, name: string): string | null | undefined {
  const value = text(raw[name]);
  if (!value) return null;
  const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(value);
  if (!match) return fail(name, 'Enter the time on the 24-hour clock, like 22:40');
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

/** Checked boxes: every value must be a code of the list. */
function readCodes<T extends string>(raw: Raw, fail: Fail, name: string, codes: readonly T[], required: string): T[] {
  const chosen = list(raw[name]);
  if (chosen.length === 0) fail(name, required);
  else if (!chosen.every((code) => isCode(codes, code))) fail(name, 'Select from the list');
  return [...new Set(chosen.filter((code) => isCode(codes, code)))];
}

/** Perpetrators ticked: Harbour IDs; whether each is on the case is the service's rule (the same message). */
function readPeople(raw: Raw, fail: Fail, name: string): string[] {
  const chosen = list(raw[name]);
  if (!chosen.every((id) => UUID.test(id))) fail(name, referralErrors.perpetratorNotOnCase(name).message);
  return [...new Set(chosen.map((id) => id.toLowerCase()))];
}

export const incidentForm = formSchema((raw, fail) => {
  const occurredOn = readPastDate(raw, fail, 'occurredOn', 'Date of the incident', 'Enter the date of the incident');
  const occurredAt = readTime(raw, fail, 'occurredAt');
  const types = readCodes(raw, fail, 'types', INCIDENT_TYPES, 'Select the type of abuse');
  const perpetratorIds = readPeople(raw, fail, 'perpetratorIds');
  const reported = readCode(raw, fail, 'reportedToPolice', ['yes', 'no'] as const, 'Select whether the incident was reported to the police');
  const policeReference = reported === 'yes' ? readWords(raw, fail, 'policeReference', 'Police reference', POLICE_REFERENCE_MAX) : null;
  const injuries = readCode(raw, fail, 'injuries', INJURIES, 'Select whether the victim was injured');
  const childrenPresent = readCode(raw, fail, 'childrenPresent', CHILDREN_PRESENT, 'Select whether children were present');
  const locationType = readCode(raw, fail, 'locationType', LOCATION_TYPES, 'Select where the incident happened');
  const summary = readWords(raw, fail, 'summary', 'Summary', SUMMARY_MAX);
  const incident: IncidentInput = {
    occurred_on: occurredOn!,
    occurred_at_time: occurredAt ?? null,
    types,
    perpetratorIds,
    reported_to_police: reported === 'yes',
    police_reference: policeReference ?? null,
    injuries: injuries!,
    children_present: childrenPresent!,
    location_type: locationType!,
    summary: summary ?? null,
  };
  return { incident };
});

/** Sharing without consent: each consent answer that needs it reveals its own lawful basis and reason fields. */
export const lawfulBasisField = (status: string) => `lawfulBasis-${status}`;
export const consentReasonField = (status: string) => `consentReason-${status}`;

export const referralForm = formSchema((raw, fail) => {
  const destination = readCode(raw, fail, 'destination', DESTINATIONS, 'Select who you are referring the victim to');
  const marac = destination === 'marac';
  const criterion = marac ? readCode(raw, fail, 'criterion', CRITERIA, 'Select the MARAC criterion the referral meets') : null;
  let toAgencyId: string | null = null;
  if (destination && !marac) {
    toAgencyId = text(raw.toAgencyId).toLowerCase();
    if (!UUID.test(toAgencyId)) fail('toAgencyId', 'Select the agency that will receive the referral');
  }
  const reasons = readWords(raw, fail, 'reasons', 'Reasons', REASONS_MAX);
  if (criterion === 'professional_judgement' && !reasons) fail('reasons', referralErrors.reasonsRequired().message);
  const referredOn = readPastDate(raw, fail, 'referredOn', 'Referral date', 'Enter the referral date');
  const perpetratorIds = readPeople(raw, fail, 'perpetratorIds');
  const assessment = text(raw.riskAssessmentId);
  if (assessment && !UUID.test(assessment)) fail('riskAssessmentId', referralErrors.assessmentNotFound().message);
  const status = readCode(raw, fail, 'consent', CONSENT_STATUSES, 'Select whether the victim consented to the referral');
  let consent: ReferralInput['consent'] = { status: 'given', lawfulBasis: null, reason: null };
  if (status && status !== 'given') {
    const basisField = lawfulBasisField(status);
    const lawfulBasis = isCode(LAWFUL_BASES, text(raw[basisField])) ? (text(raw[basisField]) as (typeof LAWFUL_BASES)[number]) : null;
    if (!lawfulBasis) fail(basisField, 'Select the lawful basis for sharing without consent');
    const reason = readWords(raw, fail, consentReasonField(status), 'Reason', CONSENT_REASON_MAX);
    if (reason === null) fail(consentReasonField(status), 'Give your reason for sharing without consent');
    consent = { status, lawfulBasis, reason: reason ?? null };
  }
  const referral: Omit<ReferralInput, 'caseId'> = {
    destination: destination!,
    criterion: criterion ?? null,
    toAgencyId,
    reasons: reasons ?? null,
    referredOn: referredOn!,
    perpetratorIds,
    riskAssessmentId: assessment ? assessment.toLowerCase() : null,
    consent,
  };
  return { referral };
});

export const decisionForm = formSchema((raw, fail) => {
  const choice = readCode(raw, fail, 'outcome', ['accept', 'decline'] as const, 'Select whether to accept or decline the referral');
  let decision: Decision = { decision: 'accept' };
  if (choice === 'decline') {
    const declineCode = readCode(raw, fail, 'declineCode', DECLINE_CODES, 'Select why you are declining the referral');
    const reason = readWords(raw, fail, 'declineReason', 'Explanation', DECISION_REASON_MAX);
    if (reason === null) fail('declineReason', 'Explain why you are declining the referral');
    decision = { decision: 'decline', declineCode: declineCode!, reason: reason! };
  }
  const version = Number(text(raw.version));
  if (!Number.isInteger(version) || version < 1 || version > 2_147_483_647) fail('version', 'Reload the page and try again');
  return { decision, version };
});

/**
 * The services name fields as their input does (perpetratorIds.0, consent.lawfulBasis, caseId); the forms name them
 * as their inputs do. A refusal from a service is renamed to the form's field, so it shows next to the right one.
 */
export async function refusalsOnForm<T>(work: Promise<T>, consentStatus = 'refused'): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof HarbourError) || error.fieldErrors.length === 0) throw error;
    const rename = (field: string) =>
      field.startsWith('perpetratorIds.')
        ? 'perpetratorIds'
        : field === 'consent.lawfulBasis'
          ? lawfulBasisField(consentStatus)
          : field === 'caseId'
            ? 'form'
            : field;
    const fieldErrors = error.fieldErrors.map((e) => ({ ...e, field: rename(e.field) }));
    throw new HarbourError(error.code, error.status, error.message, fieldErrors, error.headers);
  }
}

export const idParams = z.object({ id: z.uuid() });

/** The screening queue's page: after the referral that ended the previous one. */
export const queueQuery = z.object({ after: z.uuid().optional() });

export type IncidentForm = z.infer<typeof incidentForm>;
export type ReferralForm = z.infer<typeof referralForm>;
export type DecisionForm = z.infer<typeof decisionForm>;
