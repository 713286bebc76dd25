import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { zodFieldErrors } from '../../platform/routes.js';
import { answersSchema } from './services.answers.js';
import type { AggregateDefinition } from './services.definition.js';
import { servicesErrors } from './services.errors.js';
import { isProvider, reportReader } from './services.policy.js';
import * as repo from './services.repository.js';
import { loadService, type Service } from './services.service.js';

/**
 * Counted work of an aggregate service (issue 6): a CC-AV session, a month of helpline calls, a training course,
 * a campaign. No personal data. Entered by the provider agency's staff; every entry names who entered it and when,
 * and a correction keeps the entry as it was (record_history), shown with the entry.
 */

export type AggregateService = Service & { definition: AggregateDefinition };

export async function aggregateService(db: Db, actor: Actor, serviceId: string): Promise<AggregateService> {
  const viewer = reportReader(actor);
  const service = await loadService(db, viewer.partnershipId, serviceId);
  if (service.definition.kind !== 'aggregate') throw errors.notFound('Service');
  return service as AggregateService;
}

/** The service, for its provider's staff only (anyone else: "not found"), and the agencies a count may be per. */
export async function activityForm(db: Db, actor: Actor, serviceId: string) {
  const service = await aggregateService(db, actor, serviceId);
  const viewer = reportReader(actor);
  if (!isProvider(viewer, service)) throw errors.notFound('Service');
  const agencies = service.definition.fields.some((f) => f.kind === 'agency_counts') ? await repo.listActiveAgencies(db, viewer.partnershipId) : [];
  return { service, agencies };
}

export type ActivityInput = { occurredOn: string; fields: Record<string, unknown> };

async function checked(db: Db, actor: Actor, serviceId: string, input: ActivityInput) {
  const { service, agencies } = await activityForm(db, actor, serviceId);
  const parsed = answersSchema(service.definition.fields, agencies).safeParse(input.fields);
  const problems = parsed.success ? [] : zodFieldErrors(parsed.error);
  if (input.occurredOn > londonToday())
    problems.unshift({
      field: 'occurredOn',
      message: service.definition.period === 'month' ? 'The month must be this month or earlier' : 'The date must be today or in the past',
    });
  if (problems.length) throw servicesErrors.answers(problems);
  return { service, answers: parsed.data! };
}

export async function recordActivity(db: Db, actor: Actor, serviceId: string, input: ActivityInput): Promise<string> {
  const { service, answers } = await checked(db, actor, serviceId, input);
  const userId = actor.principal.kind === 'user' ? actor.principal.userId : null;
  return actingTransaction(db, actor, async (trx) => {
    const id = await repo.insertActivity(trx, {
      partnershipId: actor.principal.partnershipId,
      serviceId: service.id,
      occurredOn: input.occurredOn,
      answers,
      enteredBy: userId,
    });
    await actor.record(trx, { action: 'services.activity.create', outcome: 'success', subjectType: 'service_activity', subjectId: id, details: { serviceId } });
    return id;
  });
}

export async function correctActivity(db: Db, actor: Actor, serviceId: string, id: string, input: ActivityInput & { version: number }): Promise<void> {
  const { service, answers } = await checked(db, actor, serviceId, input);
  const partnershipId = actor.principal.partnershipId;
  if (!(await repo.findActivity(db, partnershipId, service.id, id))) throw errors.notFound('Entry');
  const userId = actor.principal.kind === 'user' ? actor.principal.userId : null;
  await actingTransaction(db, actor, async (trx) => {
    const saved = await repo.updateActivity(trx, { partnershipId, id, version: input.version, occurredOn: input.occurredOn, answers, updatedBy: userId });
    if (!saved) throw errors.conflict();
    await actor.record(trx, {
      action: 'services.activity.correct',
      outcome: 'success',
      subjectType: 'service_activity',
      subjectId: id,
      details: { serviceId },
    });
  });
}

/** One entry with its earlier versions, for anyone who sees the service's figures. */
export async function activityEntry(db: Db, actor: Actor, serviceId: string, id: string) {
  const service = await aggregateService(db, actor, serviceId);
  const partnershipId = actor.principal.partnershipId;
  const entry = await repo.findActivity(db, partnershipId, service.id, id);
  if (!entry) throw errors.notFound('Entry');
  const history = await repo.activityHistory(db, partnershipId, id);
  const agencies = service.definition.fields.some((f) => f.kind === 'agency_counts') ? await repo.listActiveAgencies(db, partnershipId) : [];
  return { service, entry, history, agencies, mayCorrect: isProvider(reportReader(actor), service) };
}
