import type { Db } from '../../db/database.js';
import { systemActor } from '../../platform/request-context.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { SERVICE_PROVIDERS } from './services.demo.js';
import { configureService } from './services.service.js';
import type { EndReason, StageAnswers } from './services.table.js';

/** Every shipped service, run by the demo's providers; ids by definition id. */
export async function configureServices(db: Db, partnershipId: string): Promise<Record<string, string>> {
  const agencies = new Map((await db.selectFrom('agencies').select(['id', 'code']).execute()).map((a) => [a.code, a.id]));
  const actor = systemActor(partnershipId, 'test');
  const ids: Record<string, string> = {};
  for (const [definitionId, code] of Object.entries(SERVICE_PROVIDERS)) {
    ids[definitionId] = await configureService(db, actor, { definitionId, providerAgencyId: agencies.get(code)!, capacity: null });
  }
  return ids;
}

export type RecordFixture = {
  referredOn: string;
  assessedOn?: string;
  startedOn?: string;
  endedOn?: string;
  endReason?: EndReason;
  answers?: StageAnswers;
  person?: { gender?: string; ethnicity?: string; dob?: string };
};

let fixtureNumber = 0;

/** A victim in a police case with a record in the service, straight into the tables (the rules are the routes' to test). */
export async function insertRecord(
  db: Db,
  partnershipId: string,
  serviceId: string,
  fixture: RecordFixture,
  owner = 'POLICE',
): Promise<{ id: string; personId: string; caseId: string }> {
  fixtureNumber += 1;
  const personId = await insertPerson(db, partnershipId, { agency: owner, given: `Fixture${fixtureNumber}`, family: 'Person', dob: fixture.person?.dob });
  if (fixture.person)
    await db
      .updateTable('people')
      .set({ gender: fixture.person.gender ?? null, ethnicity: fixture.person.ethnicity ?? null })
      .where('id', '=', personId)
      .execute();
  const caseId = await insertCase(db, partnershipId, owner, [{ id: personId, role: 'victim' }]);
  const service = await db.selectFrom('services').select('provider_agency_id').where('id', '=', serviceId).executeTakeFirstOrThrow();
  const referrer = await db.selectFrom('agencies').select('id').where('code', '=', owner).executeTakeFirstOrThrow();
  const row = await db
    .insertInto('service_records')
    .values({
      partnership_id: partnershipId,
      service_id: serviceId,
      person_id: personId,
      case_id: caseId,
      person_name: `Fixture${fixtureNumber} Person`,
      person_date_of_birth: fixture.person?.dob ?? null,
      person_role: 'victim',
      provider_agency_id: service.provider_agency_id,
      referring_agency_id: referrer.id,
      referred_by: null,
      referred_on: fixture.referredOn,
      assessed_on: fixture.assessedOn ?? null,
      started_on: fixture.startedOn ?? null,
      ended_on: fixture.endedOn ?? null,
      end_reason: fixture.endReason ?? null,
      left_reason: fixture.endReason === 'left_early' ? 'disengaged' : null,
      answers: JSON.stringify(fixture.answers ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, personId, caseId };
}
