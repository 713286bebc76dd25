import type { Db, DbOrTx } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { Actor } from '../../platform/request-context.js';
import { actingTransaction } from '../../platform/transactions.js';
import { SYSTEM_VIEWER, withViewer } from '../../db/viewer.js';
import { findDefinition, SHIPPED_DEFINITIONS, type ServiceDefinition } from './services.definition.js';
import { servicesErrors } from './services.errors.js';
import { isProvider, maySeePeople, mayConfigureServices, reportReader, staffViewer } from './services.policy.js';
import * as repo from './services.repository.js';

/**
 * The services the partnership runs (issue 6): each is a shipped definition with a provider agency and a capacity.
 * Everyone with aggregate access sees the list and each service's pathway and figures; staff also see the people
 * in it whose records they may see (services.policy.ts).
 */

export type Service = {
  id: string;
  definition: ServiceDefinition;
  providerAgencyId: string;
  providerName: string;
  capacity: number | null;
  active: boolean;
  version: number;
};

/** Counts across every record of the partnership, past the viewer's own sight (numbers only leave). */
export const acrossPartnership = <T>(work: () => Promise<T>): Promise<T> => withViewer(SYSTEM_VIEWER, work);

function toService(row: repo.ServiceRow): Service {
  const definition = findDefinition(row.definition_id, row.definition_version);
  if (!definition) throw new Error(`Service ${row.id} names definition ${row.definition_id} v${row.definition_version}, which Harbour does not ship`);
  return {
    id: row.id,
    definition,
    providerAgencyId: row.provider_agency_id,
    providerName: row.provider_name,
    capacity: row.capacity,
    active: row.active,
    version: row.version,
  };
}

/** A service of the partnership, or "not found". */
export async function loadService(db: DbOrTx, partnershipId: string, id: string): Promise<Service> {
  const row = await repo.findService(db, partnershipId, id);
  if (!row) throw errors.notFound('Service');
  return toService(row);
}

/** Starts running a shipped service, with its provider and capacity (the latest version of its definition). */
export async function configureService(
  db: Db,
  actor: Actor,
  input: { definitionId: string; providerAgencyId: string; capacity: number | null },
): Promise<string> {
  const admin = mayConfigureServices(actor);
  const partnershipId = actor.principal.partnershipId;
  const definition = SHIPPED_DEFINITIONS.filter((d) => d.id === input.definitionId).sort((a, b) => b.version - a.version)[0];
  if (!definition) throw errors.validation([{ field: 'definitionId', message: 'Select a service from the list' }]);
  if (!(await repo.findAgency(db, partnershipId, input.providerAgencyId)))
    throw errors.validation([{ field: 'providerAgencyId', message: 'Select the agency that provides the service' }]);
  return actingTransaction(db, actor, async (trx) => {
    const id = await repo.insertService(trx, {
      partnershipId,
      definitionId: definition.id,
      version: definition.version,
      kind: definition.kind,
      providerAgencyId: input.providerAgencyId,
      capacity: definition.kind === 'person' ? (input.capacity ?? definition.defaultCapacity) : null,
      createdBy: admin?.userId ?? null,
    });
    if (!id) throw servicesErrors.alreadyConfigured();
    await actor.record(trx, {
      action: 'services.configure',
      outcome: 'success',
      subjectType: 'service',
      subjectId: id,
      details: { definitionId: definition.id, version: definition.version, providerAgencyId: input.providerAgencyId },
    });
    return id;
  });
}

export type ServiceSummary = Service & { waiting: number; inService: number; mayRecord: boolean };

/** Every service with how many people wait and how many are in it now (counts across the partnership). */
export async function listServices(db: Db, actor: Actor): Promise<ServiceSummary[]> {
  const viewer = reportReader(actor);
  const [rows, counts] = await Promise.all([repo.listServices(db, viewer.partnershipId), acrossPartnership(() => repo.openCounts(db, viewer.partnershipId))]);
  return rows.map((row) => {
    const service = toService(row);
    const count = counts.get(service.id) ?? { waiting: 0, inService: 0 };
    return { ...service, ...count, mayRecord: isProvider(viewer, service) };
  });
}

/**
 * A service's page: its definition, its counts, and for staff the open records they may see (a view of personal
 * data, audited) or for an aggregate service its latest entries.
 */
export const PAGE_SIZE = 50;

export async function serviceOverview(db: Db, actor: Actor, serviceId: string, page = 1) {
  const viewer = reportReader(actor);
  const service = await loadService(db, viewer.partnershipId, serviceId);
  const counts = (await acrossPartnership(() => repo.openCounts(db, viewer.partnershipId))).get(service.id) ?? { waiting: 0, inService: 0 };
  const provider = isProvider(viewer, service);
  if (service.definition.kind === 'aggregate') {
    const entries = await repo.listActivity(db, viewer.partnershipId, service.id, page, PAGE_SIZE);
    const agencies = service.definition.fields.some((f) => f.kind === 'agency_counts') ? await repo.listActiveAgencies(db, viewer.partnershipId) : [];
    return { service, counts, provider, records: null, entries, agencies };
  }
  if (!maySeePeople(viewer)) return { service, counts, provider, records: null, entries: null, agencies: [] };
  const records = await repo.listOpenRecords(db, staffViewer(actor), service.id, page, PAGE_SIZE);
  await actor.record(db, {
    action: 'services.people.view',
    outcome: 'success',
    subjectType: 'service',
    subjectId: service.id,
    details: { records: records.rows.length, page },
  });
  return { service, counts, provider, records, entries: null, agencies: [] };
}

/** For the settings page: every shipped service (latest version), whether the partnership runs it, and the agencies. */
export async function serviceSettings(db: Db, actor: Actor) {
  const admin = mayConfigureServices(actor);
  const partnershipId = actor.principal.partnershipId;
  const running = new Map((await repo.listServices(db, partnershipId)).map((row) => [row.definition_id, toService(row)]));
  const latest = SHIPPED_DEFINITIONS.filter((d) => !SHIPPED_DEFINITIONS.some((o) => o.id === d.id && o.version > d.version));
  return {
    admin,
    definitions: latest.map((definition) => ({ definition, service: running.get(definition.id) ?? null })),
    agencies: await repo.listActiveAgencies(db, partnershipId),
  };
}

export type ServiceChange = { providerAgencyId: string; capacity: number | null; active: boolean; version: number };

/**
 * Changes who provides a service, its capacity and whether it takes new referrals. Records already made keep the
 * provider they were referred to (docs/services.md).
 */
export async function changeService(db: Db, actor: Actor, serviceId: string, change: ServiceChange): Promise<void> {
  mayConfigureServices(actor);
  const partnershipId = actor.principal.partnershipId;
  const service = await loadService(db, partnershipId, serviceId);
  if (!(await repo.findAgency(db, partnershipId, change.providerAgencyId)))
    throw errors.validation([{ field: 'providerAgencyId', message: 'Select the agency that provides the service' }]);
  await actingTransaction(db, actor, async (trx) => {
    const capacity = service.definition.kind === 'person' ? change.capacity : null;
    const saved = await repo.updateService(trx, {
      partnershipId,
      id: service.id,
      version: change.version,
      providerAgencyId: change.providerAgencyId,
      capacity,
      active: change.active,
    });
    if (!saved) throw errors.conflict();
    await actor.record(trx, {
      action: 'services.change',
      outcome: 'success',
      subjectType: 'service',
      subjectId: service.id,
      details: { providerAgencyId: change.providerAgencyId, capacity, active: change.active },
    });
  });
}
