import { z } from 'zod';
import { londonToday } from '../../platform/format.js';
import { PERPETRATOR_RELATIONSHIPS } from '../people/case.schemas.js';
import { isoDate } from '../people/people.api.schemas.js';
import { instrumentIdSchema, RISK_LEVELS } from '../risk/risk.instrument.js';
import { RATIONALE_MAX } from '../risk/risk.scoring.js';
import { perpetratorFormOf, victimForm, type PerpetratorRefJson, type PersonRefJson } from './referral.api.forms.js';
import { CHILDREN_PRESENT, CONSENT_STATUSES, CRITERIA, DESTINATIONS, INCIDENT_TYPES, INJURIES, LAWFUL_BASES, LOCATION_TYPES } from './referral.codes.js';

/**
 * The JSON shapes of POST /api/v1/referrals (contract in issue 4: the fields it names are kept; others may be
 * added). Everything that can be checked without the database is checked here, so a 400 lists every problem at
 * once: JSON types, the rules between fields, and the victim and perpetrators by the case forms' own rules. The
 * answers of a risk assessment need the instrument, so they are checked next (still 400, before anything is saved).
 */

const pastDate = (label: string) => isoDate(label).refine((date) => date <= londonToday(), `${label} must be today or in the past`);
const oneOf = (name: string, values: readonly string[]) => ({ error: `${name} must be one of: ${values.join(', ')}` });

const personRef = {
  id: z.string().optional().meta({ format: 'uuid', description: 'Someone already on Harbour whom the token’s agency may see; then send no other field' }),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  dateOfBirth: isoDate('Date of birth').nullable().optional(),
  estimatedAge: z.number().nullable().optional().describe('Whole years (0 to 120), when the date of birth is not known'),
};

const victimRef = z.object(personRef).meta({
  id: 'ReferralVictim',
  description:
    'The victim: {id} of someone on Harbour, or a new person’s firstName, lastName and dateOfBirth (or estimatedAge), recorded by the token’s agency',
});

const perpetratorRef = z
  .object({
    ...personRef,
    relationship: z
      .enum(PERPETRATOR_RELATIONSHIPS, oneOf('relationship', PERPETRATOR_RELATIONSHIPS))
      .optional()
      .describe('Their connection to the victim, used when they are added to the case; "other" if not sent'),
  })
  .meta({
    id: 'ReferralPerpetrator',
    description: 'A perpetrator: {id} of someone on Harbour, or a new person’s firstName and lastName (dateOfBirth or estimatedAge if known)',
  });

const riskAssessmentRef = z
  .object({
    instrument: instrumentIdSchema.describe('The instrument, e.g. dash-ric-24'),
    version: z.int().min(1).optional().describe('A version of the instrument; by default the latest'),
    answers: z
      .record(z.string(), z.unknown(), { error: 'answers must be an object of question ids and answers' })
      .describe('Every question of the instrument answered "yes", "no" or "not_known" (or {"answer", "note"})'),
    assessedOn: pastDate('Date of the assessment').optional().describe('By default the referral date'),
    victimParticipated: z.boolean().optional().describe('Whether the victim took part; true if not sent (a DASH is asked of the victim)'),
    level: z
      .enum(RISK_LEVELS, oneOf('level', RISK_LEVELS))
      .optional()
      .describe('Professional judgement: a level above the score’s band (with rationale); required for an instrument with no score cut-off'),
    rationale: z.string().trim().max(RATIONALE_MAX).optional().describe('Why professional judgement raises the level'),
  })
  .meta({
    id: 'ReferralRiskAssessment',
    description: 'A complete risk assessment, stored on the case as submitted (assessed by the token’s agency, no user) before the referral is made',
  });

const incidentRef = z
  .object({
    occurredOn: pastDate('Date of the incident'),
    occurredAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'occurredAt must be a time of day, HH:MM')
      .optional()
      .describe('Time of day, HH:MM (London)'),
    types: z
      .array(z.enum(INCIDENT_TYPES, oneOf('Each type', INCIDENT_TYPES)))
      .min(1, 'Select at least one type of abuse')
      .describe('Domestic Abuse Act 2021 categories'),
    reportedToPolice: z.boolean().optional().describe('By default true when a policeReference is sent, else false'),
    policeReference: z.string().trim().max(40, 'policeReference must be 40 characters or fewer').optional(),
    injuries: z.enum(INJURIES, oneOf('injuries', INJURIES)).default('not_known'),
    childrenPresent: z.enum(CHILDREN_PRESENT, oneOf('childrenPresent', CHILDREN_PRESENT)).default('not_known'),
    locationType: z.enum(LOCATION_TYPES, oneOf('locationType', LOCATION_TYPES)).default('other'),
    summary: z.string().trim().max(2000, 'summary must be 2000 characters or fewer').optional(),
  })
  .meta({ id: 'ReferralIncident', description: 'An incident, recorded on the case before the referral (it counts towards potential escalation)' });

const consentRef = z
  .object({
    status: z.enum(CONSENT_STATUSES, oneOf('consent.status', CONSENT_STATUSES)),
    lawfulBasis: z.enum(LAWFUL_BASES, oneOf('lawfulBasis', LAWFUL_BASES)).nullable().optional().describe('Required unless consent was given'),
    reason: z.string().trim().max(2000, 'reason must be 2000 characters or fewer').nullable().optional().describe('Required unless consent was given'),
  })
  .meta({ id: 'ReferralConsent' });

type Issue = { path: (string | number)[]; message: string };

/** Rules between fields, checked even when some field is malformed (so every problem is listed), hence the care with types. */
function crossFieldProblems(body: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const marac = body.destination === 'marac';
  if (marac && !body.criterion) issues.push({ path: ['criterion'], message: 'Select the criterion the MARAC referral meets' });
  if (!marac && typeof body.destination === 'string' && body.criterion) issues.push({ path: ['criterion'], message: 'Only a MARAC referral has a criterion' });
  if (!marac && typeof body.destination === 'string' && !body.toAgencyId)
    issues.push({ path: ['toAgencyId'], message: 'Select the agency that receives the referral' });

  const consent = body.consent as { status?: unknown; lawfulBasis?: unknown; reason?: unknown } | undefined;
  if (consent && typeof consent.status === 'string' && consent.status !== 'given') {
    if (!consent.lawfulBasis) issues.push({ path: ['consent', 'lawfulBasis'], message: 'Without the victim’s consent, give the lawful basis for sharing' });
    if (typeof consent.reason !== 'string' || !consent.reason.trim())
      issues.push({ path: ['consent', 'reason'], message: 'Without the victim’s consent, give your reason for sharing' });
  }

  const referredOn = typeof body.referredOn === 'string' ? body.referredOn : londonToday();
  const victim = body.victim as PersonRefJson | undefined;
  if (victim && typeof victim === 'object') {
    if (body.caseId && Object.keys(victim).some((key) => key !== 'id'))
      issues.push({ path: ['victim'], message: 'With a caseId, the victim is the case’s victim: send their id, or no victim' });
    else {
      const checked = victimForm(victim, referredOn);
      if (!checked.ok) for (const e of checked.errors) issues.push({ path: e.field.split('.'), message: e.message });
    }
  } else if (!body.caseId) issues.push({ path: ['victim'], message: 'Give the victim: their id, or a new person’s details' });

  const perpetrators = Array.isArray(body.perpetrators) ? (body.perpetrators as PerpetratorRefJson[]) : [];
  const seen = new Set<string>(typeof victim?.id === 'string' ? [victim.id.toLowerCase()] : []);
  perpetrators.forEach((perpetrator, i) => {
    if (!perpetrator || typeof perpetrator !== 'object') return;
    const checked = perpetratorFormOf(perpetrator, i);
    if (!checked.ok) for (const e of checked.errors) issues.push({ path: e.field.split('.'), message: e.message });
    const id = typeof perpetrator.id === 'string' ? perpetrator.id.toLowerCase() : null;
    if (id && seen.has(id))
      issues.push({ path: ['perpetrators', i, 'id'], message: 'Name each person once: the victim is not a perpetrator, and no perpetrator twice' });
    if (id) seen.add(id);
  });
  return issues;
}

export const referralInput = z
  .object({
    destination: z.enum(DESTINATIONS, oneOf('destination', DESTINATIONS)),
    criterion: z
      .enum(CRITERIA, oneOf('criterion', CRITERIA))
      .nullable()
      .optional()
      .describe('MARAC only, and required for MARAC. Refused with 422 when the data does not support it'),
    toAgencyId: z.uuid({ error: 'toAgencyId must be a UUID' }).nullable().optional().describe('The receiving agency; required for any destination but MARAC'),
    reasons: z.string().trim().max(4000, 'reasons must be 4000 characters or fewer').nullable().optional().describe('Required for professional judgement'),
    referredOn: pastDate('Date of the referral'),
    caseId: z
      .uuid({ error: 'caseId must be a UUID' })
      .optional()
      .describe(
        'A case the token’s agency may see. Without it: the victim’s open case (owned by or shared with the agency) that has all these perpetrators, else a new case',
      ),
    victim: victimRef.optional().describe('Required unless caseId is sent'),
    perpetrators: z.array(perpetratorRef).max(20, 'A referral can name up to 20 perpetrators').default([]),
    riskAssessment: riskAssessmentRef.optional(),
    incidents: z.array(incidentRef).max(50, 'A referral can bring up to 50 incidents').default([]),
    consent: consentRef,
  })
  .superRefine(
    (body, ctx) => {
      for (const issue of crossFieldProblems(body as Record<string, unknown>)) ctx.addIssue({ code: 'custom', ...issue });
    },
    { when: () => true },
  )
  .meta({
    id: 'ReferralInput',
    description:
      'A referral with its people, risk assessment and incidents, saved together or not at all. Send an Idempotency-Key header (optional, up to 200 characters) to make retrying safe.',
  });

export type ReferralJson = z.infer<typeof referralInput>;

export const referralCreatedSchema = z
  .object({
    id: z.uuid(),
    reference: z.string().describe('REF-<number>'),
    caseId: z.uuid(),
    caseOpened: z.boolean().describe('The request opened this case'),
    victimId: z.uuid(),
    perpetratorIds: z.array(z.uuid()).describe('In the order sent; new people are recorded by the token’s agency'),
    destination: z.enum(DESTINATIONS),
    criterion: z.enum(CRITERIA).nullable(),
    toAgencyId: z.uuid().describe('Who receives the referral (for MARAC, the partnership’s MARAC agency); the case is shared with them'),
    referredOn: z.iso.date(),
    repeat: z.boolean().describe('A MARAC referral within 12 months of the victim’s last MARAC referral naming any of these perpetrators, by any agency'),
    repeatOf: z.uuid().nullable().describe('That earlier referral'),
    escalationCount: z.int().describe('The victim’s incidents in the escalation window up to the referral date'),
    riskAssessmentId: z.uuid().nullable().describe('The assessment the referral was made on'),
    score: z.int().nullable(),
    band: z.enum(RISK_LEVELS).nullable().describe('The score’s band; null when the assessment’s instrument has no score cut-off, or there is none'),
    incidentIds: z.array(z.uuid()).describe('Incidents this request recorded, by date'),
  })
  .meta({ id: 'ReferralCreated' });

export type ReferralOut = z.infer<typeof referralCreatedSchema>;
