import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { zodFieldErrors } from '../../platform/routes.js';
import { formatDate, londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { listCasePeople } from '../people/case.repository.js';
import { answersSchema, stageDatesSchema, type StageDates } from './services.answers.js';
import { stagesOf, type PersonDefinition, type Stage } from './services.definition.js';
import { servicesErrors } from './services.errors.js';
import { isProvider, staffViewer } from './services.policy.js';
import * as repo from './services.repository.js';
import { loadService, type Service } from './services.service.js';
import type { LeftReason, PersonRole, StageAnswers } from './services.table.js';

/**
 * A person's journey through a service (issue 6): referred from a case, then assessed, started, and completed or
 * left early, with the stage's outcome answers. Anyone who may see the person or case may refer them and see the
 * record; the provider agency records the stages. Dates go in pathway order (the same rule is a CHECK in the
 * database), edits carry the version they were made against, and every view and change is audited.
 */

const STAGE_COLUMN = { referred: 'referred_on', assessed: 'assessed_on', started: 'started_on', completed: 'ended_on', left_early: 'ended_on' } as const;

export type PersonService = Service & { definition: PersonDefinition };

async function personService(db: Db, partnershipId: string, serviceId: string): Promise<PersonService> {
  const service = await loadService(db, partnershipId, serviceId);
  if (service.definition.kind !== 'person') throw errors.notFound('Service');
  return service as PersonService;
}

/** The case's people this service works with, for the referral form: a case the viewer may not see is not found. */
export async function referralCandidates(db: Db, actor: Actor, serviceId: string, caseReference: string) {
  const viewer = staffViewer(actor);
  const service = await personService(db, viewer.partnershipId, serviceId);
  const found = await repo.findVisibleCaseByReference(db, viewer, caseReference);
  if (!found) return { service, case: null, people: [] };
  const people = (await listCasePeople(db, viewer, found.id)).filter((p) => (service.definition.roles as string[]).includes(p.role));
  await actor.record(db, { action: 'services.referral.case_view', outcome: 'success', subjectType: 'case', subjectId: found.id, details: { serviceId } });
  return { service, case: found, people };
}

export type ReferralInput = { caseId: string; personId: string; referredOn: string };

export async function referPerson(db: Db, actor: Actor, serviceId: string, input: ReferralInput): Promise<string> {
  const viewer = staffViewer(actor);
  const service = await personService(db, viewer.partnershipId, serviceId);
  if (!service.active) throw servicesErrors.notTakingReferrals();
  if (input.referredOn > londonToday()) throw errors.validation([{ field: 'referredOn', message: 'The referral date must be today or in the past' }]);
  const person = (await listCasePeople(db, viewer, input.caseId)).find((p) => p.id === input.personId);
  if (!person) throw errors.notFound('Person');
  if (!(service.definition.roles as string[]).includes(person.role)) throw servicesErrors.notEligible(service.definition.roles.join(', '));
  return actingTransaction(db, actor, async (trx) => {
    // Only records the referrer may see count: saying that someone is already in a refuge to an agency that may not
    // see that record would tell it where they are. The provider sees both records and closes the one not needed.
    if (await repo.hasOpenRecord(trx, viewer.partnershipId, service.id, person.id)) throw servicesErrors.alreadyInService();
    const id = await repo.insertRecord(trx, {
      partnershipId: viewer.partnershipId,
      serviceId: service.id,
      personId: person.id,
      caseId: input.caseId,
      personName: `${person.given_name} ${person.family_name}`.trim(),
      personDateOfBirth: person.date_of_birth,
      role: person.role as PersonRole,
      providerAgencyId: service.providerAgencyId,
      referringAgencyId: viewer.agencyId,
      referredBy: viewer.userId,
      referredOn: input.referredOn,
      answers: {},
    });
    await actor.record(trx, {
      action: 'services.referral.create',
      outcome: 'success',
      subjectType: 'service_record',
      subjectId: id,
      details: { serviceId: service.id, personId: person.id, caseId: input.caseId },
    });
    return id;
  });
}

/** A record the viewer may see (audited), with its service; anything else is "not found". */
export async function viewRecord(db: Db, actor: Actor, serviceId: string, recordId: string) {
  const viewer = staffViewer(actor);
  const service = await personService(db, viewer.partnershipId, serviceId);
  const record = await repo.findVisibleRecord(db, viewer, service.id, recordId);
  if (!record) throw errors.notFound('Record');
  await actor.record(db, { action: 'services.record.view', outcome: 'success', subjectType: 'service_record', subjectId: record.id, details: { serviceId } });
  return { service, record, mayRecord: isProvider(viewer, service) };
}

export type StageInput = { stage: Stage; date: string; leftReason: LeftReason | null; version: number; fields: Record<string, unknown> };

/**
 * Records (or corrects) one stage of a record: its date and its outcome answers. Only the provider agency; once the
 * person has left the service only how they left can be corrected.
 */
export async function recordStage(db: Db, actor: Actor, serviceId: string, recordId: string, input: StageInput): Promise<void> {
  const viewer = staffViewer(actor);
  const service = await personService(db, viewer.partnershipId, serviceId);
  const definition = service.definition;
  const stageDefinition = definition.stages[input.stage];
  if (!stageDefinition) throw errors.notFound('Stage');
  const record = await repo.findVisibleRecord(db, viewer, service.id, recordId);
  if (!record || !isProvider(viewer, service)) throw errors.notFound('Record');
  const parsed = answersSchema(stageDefinition.questions).safeParse(input.fields);
  const problems = parsed.success ? [] : zodFieldErrors(parsed.error);
  if (input.date > londonToday()) problems.unshift({ field: 'date', message: 'The date must be today or in the past' });
  if (input.stage === 'left_early' && !input.leftReason) problems.push({ field: 'leftReason', message: 'Select why the person left the service' });
  if (problems.length) throw servicesErrors.answers(problems);

  const ended = record.end_reason !== null;
  const endStage: Stage | null = record.end_reason;
  if (ended && input.stage !== endStage) throw servicesErrors.recordEnded();

  const dates: StageDates = {
    referred: record.referred_on,
    assessed: record.assessed_on,
    started: record.started_on,
    completed: record.end_reason === 'completed' ? record.ended_on : null,
    left_early: record.end_reason === 'left_early' ? record.ended_on : null,
  };
  dates[input.stage] = input.date;
  const ordered = stageDatesSchema(definition, input.stage).safeParse(dates);
  if (!ordered.success) throw servicesErrors.stageOrder('date', ordered.error.issues[0]!.message);

  const stageAnswers: StageAnswers = { ...record.answers, [input.stage]: parsed.data as Record<string, string | number> };
  const isEnd = input.stage === 'completed' || input.stage === 'left_early';
  await actingTransaction(db, actor, async (trx) => {
    const saved = await repo.updateRecordStages(trx, viewer.partnershipId, record.id, input.version, {
      referred_on: dates.referred!,
      assessed_on: dates.assessed,
      started_on: dates.started,
      ended_on: isEnd ? input.date : record.ended_on,
      end_reason: isEnd ? (input.stage as 'completed' | 'left_early') : record.end_reason,
      left_reason: input.stage === 'left_early' ? input.leftReason : record.left_reason,
      answers: stageAnswers,
    });
    if (!saved) throw errors.conflict();
    await actor.record(trx, {
      action: 'services.stage.record',
      outcome: 'success',
      subjectType: 'service_record',
      subjectId: record.id,
      details: { serviceId, stage: input.stage, corrected: record[STAGE_COLUMN[input.stage]] !== null },
    });
  });
}

/** The stages a provider may record next (with those already recorded, to correct): none after the end but the end. */
export function recordableStages(definition: PersonDefinition, record: repo.RecordRow): Stage[] {
  if (record.end_reason) return [record.end_reason];
  return stagesOf(definition).filter((s) => s !== 'referred' && (s !== 'completed' || record.started_on));
}
