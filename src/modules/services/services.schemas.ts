import { z } from 'zod';
import { formSchema } from '../people/case.schemas.js';
import { STAGES, type Stage } from './services.definition.js';
import { LEFT_REASONS, type LeftReason } from './services.table.js';

/**
 * One schema per form (the people module's `formSchema`: every problem at once, in GOV.UK wording). A stage's or an
 * entry's own questions come from the service's definition, so their fields ride along as typed and are checked by
 * answersSchema (services.answers.ts) in the service, which answers with every problem at once too.
 */

type Raw = Record<string, unknown>;
type Fail = (field: string, message: string) => undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID, 'Not found');
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export const serviceParams = z.object({ id: uuid });
export const recordParams = z.object({ id: uuid, recordId: uuid });
export const stageParams = z.object({ id: uuid, recordId: uuid, stage: z.enum(STAGES.filter((s) => s !== 'referred') as [Stage, ...Stage[]]) });
export const entryParams = z.object({ id: uuid, entryId: uuid });

/** A GOV.UK date input ("<name>-day", "-month", "-year"), required. */
export function readDate(raw: Raw, fail: Fail, name: string, label: string): string | undefined {
  const parts = { day: text(raw[`${name}-day`]), month: text(raw[`${name}-month`]), year: text(raw[`${name}-year`]) };
  const missing = Object.entries(parts).flatMap(([part, value]) => (value ? [] : [part]));
  if (missing.length === 3) return fail(name, `Enter ${label.toLowerCase()}`);
  if (missing.length > 0) return fail(name, `${label} must include a ${missing.join(' and ')}`);
  if (!Object.values(parts).every((value) => /^\d{1,4}$/.test(value))) return fail(name, `${label} must be a real date`);
  const iso = `${parts.year.padStart(4, '0')}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || iso < '2000-01-01' || iso > '2099-12-31')
    return fail(name, `${label} must be a real date`);
  return iso;
}

/** A month and year ("<name>-month", "-year"), as the first of the month. */
function readMonth(raw: Raw, fail: Fail, name: string): string | undefined {
  const month = text(raw[`${name}-month`]);
  const year = text(raw[`${name}-year`]);
  if (!month && !year) return fail(name, 'Enter the month the calls were in');
  if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12 || !/^\d{4}$/.test(year) || Number(year) < 2000)
    return fail(name, 'The month must be a real month, like 4 2026');
  return `${year}-${month.padStart(2, '0')}-01`;
}

function readVersion(raw: Raw, fail: Fail): number {
  const n = Number(text(raw.version));
  if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647) fail('version', 'Reload the page and try again');
  return n;
}

export const caseQuery = z.object({ case: z.string().max(40).optional() });

export const referralForm = formSchema((raw, fail) => {
  const caseId = text(raw.caseId);
  if (!UUID.test(caseId)) fail('caseReference', 'Enter the case reference again');
  const personId = text(raw.personId);
  if (!UUID.test(personId)) fail('personId', 'Select the person you are referring');
  const referredOn = readDate(raw, fail, 'referredOn', 'The referral date');
  return { caseId, personId, referredOn: referredOn! };
});

export const stageForm = formSchema((raw, fail) => {
  const date = readDate(raw, fail, 'date', 'The date');
  const reason = text(raw.leftReason);
  const leftReason = (LEFT_REASONS as readonly string[]).includes(reason) ? (reason as LeftReason) : null;
  if (reason && !leftReason) fail('leftReason', 'Select why the person left the service');
  const version = readVersion(raw, fail);
  return { date: date!, leftReason, version, fields: raw };
});

/** An aggregate entry: its date (or month, for a service counted by month) and its fields. */
export const activityForm = (period: 'day' | 'month') =>
  formSchema((raw, fail) => {
    const occurredOn = period === 'month' ? readMonth(raw, fail, 'occurredOn') : readDate(raw, fail, 'occurredOn', 'The date');
    const version = raw.version === undefined ? 0 : readVersion(raw, fail);
    return { occurredOn: occurredOn!, version, fields: raw };
  });

/** Any form body: the entry forms' own schema depends on the service, so routes parse with activityForm. */
export const anyForm = z.record(z.string(), z.unknown());

export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

export const reportQuery = z.object({ year: z.string().max(20).optional() });

const readCapacity = (raw: Raw, fail: Fail): number | null => {
  const value = text(raw.capacity);
  if (!value) return null;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > 100_000)
    return fail('capacity', 'Capacity must be a whole number from 1 to 100000') ?? null;
  return Number(value);
};

const readProvider = (raw: Raw, fail: Fail): string => {
  const value = text(raw.providerAgencyId);
  if (!UUID.test(value)) fail('providerAgencyId', 'Select the agency that provides the service');
  return value;
};

/** Starting to run a shipped service: which one, its provider, and its capacity (blank: the definition's). */
export const newServiceForm = formSchema((raw, fail) => {
  const definitionId = text(raw.definitionId);
  if (!/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/.test(definitionId)) fail('definitionId', 'Select a service from the list');
  return { definitionId, providerAgencyId: readProvider(raw, fail), capacity: readCapacity(raw, fail) };
});

export const serviceChangeForm = formSchema((raw, fail) => {
  const active = text(raw.active);
  if (active !== 'yes' && active !== 'no') fail('active', 'Select whether the service takes new referrals');
  return { providerAgencyId: readProvider(raw, fail), capacity: readCapacity(raw, fail), active: active === 'yes', version: readVersion(raw, fail) };
});

export const definitionQuery = z.object({ definition: z.string().max(60).optional() });
