import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { HarbourError } from '../../platform/errors.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor } from '../../platform/request-context.js';
import { createReferral } from '../referrals/referral.service.js';
import { allocate, logContact } from './casework.service.js';
import type { ContactInput } from './casework.schemas.js';

const IDVAS = ['idva@demo.harbour.example', 'idva2@demo.harbour.example'];
const SUMMARIES = [
  'Introduced the service and agreed how and when to keep in touch.',
  'Went through the safety plan: new locks fitted, a bag packed at her sister’s.',
  'Supported her at the housing appointment; emergency lock change booked.',
  'She is worried about the court date; explained special measures.',
  'No answer; tried again in the safe window the next morning.',
];

/**
 * IDVA casework for the demo (issue 6): open cases referred to the IDVA service by the agencies that hold them,
 * most allocated by the team manager to one of two IDVAs with a contacts log, two still waiting in the queue.
 * Everything goes through the services, as staff would do it. Runs after the referrals demo.
 */
export async function seedCaseworkDemo(db: Db, partnershipId: string): Promise<number> {
  const today = londonToday();
  const idvaService = await db
    .selectFrom('agencies')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', 'IDVA')
    .executeTakeFirstOrThrow();
  const { rows: cases } = await sql<{ id: string; email: string; perpetrators: string[] }>`
    select c.id, u.email,
      array(select cp.person_id from case_people cp where cp.partnership_id = c.partnership_id and cp.case_id = c.id and cp.role = 'perpetrator') as perpetrators
    from cases c join users u on u.partnership_id = c.partnership_id and u.id = c.created_by
    where c.partnership_id = ${partnershipId} and c.status = 'open'
      and not exists (select 1 from referrals r where r.partnership_id = c.partnership_id and r.case_id = c.id and r.destination = 'idva')
    order by c.opened_on, c.reference`.execute(db);
  const manager = await userActor(db, partnershipId, 'idva.manager@demo.harbour.example', 'demo seed');
  const idvas = await Promise.all(IDVAS.map((email) => userActor(db, partnershipId, email, 'demo seed')));
  let allocated = 0;
  for (const [i, demo] of cases.entries()) {
    const actor = await userActor(db, partnershipId, demo.email, 'demo seed');
    const referredOn = shiftDays(today, -(2 + i * 3));
    const referral = await createReferral(db, actor, actor.principal as UserPrincipal, {
      caseId: demo.id,
      destination: 'idva',
      criterion: null,
      toAgencyId: idvaService.id,
      reasons: 'Needs an IDVA: high risk, and she has asked for support.',
      referredOn,
      perpetratorIds: demo.perpetrators.slice(0, 1),
      riskAssessmentId: null,
      consent: { status: 'given', lawfulBasis: null, reason: null },
    }).catch((error: unknown) => {
      // A case whose agency may not refer (no agreement in force) is left out, as the page would refuse it.
      if (error instanceof HarbourError && error.status < 500) return null;
      throw error;
    });
    // The two most recent stay in the queue for the manager to allocate.
    if (!referral || i >= cases.length - 2) continue;
    const idva = idvas[i % idvas.length]!;
    const idvaCaseId = await allocate(db, manager, referral.id, 1, (idva.principal as UserPrincipal).userId);
    allocated += 1;
    // The case has been open since the day after the referral: backdated here (the service allocates today), then
    // contacts logged through the service over the weeks since, by the safe number when there is one.
    const allocatedOn = shiftDays(referredOn, 1);
    await db
      .updateTable('idva_cases')
      .set({ allocated_on: allocatedOn, next_contact_due: shiftDays(today, (i % 9) - 2) })
      .where('id', '=', idvaCaseId)
      .execute();
    const safe = await db
      .selectFrom('person_contacts as pc')
      .innerJoin('case_people as v', (join) => join.onRef('v.partnership_id', '=', 'pc.partnership_id').onRef('v.person_id', '=', 'pc.person_id'))
      .select('pc.id')
      .where('v.case_id', '=', demo.id)
      .where('v.role', '=', 'victim')
      .where('pc.kind', '=', 'phone')
      .where('pc.is_safe', '=', true)
      .executeTakeFirst();
    for (let n = 0; n < 1 + (i % 4); n += 1) {
      const contactOn = shiftDays(allocatedOn, n * 6);
      if (contactOn > today) break;
      const contact: ContactInput = {
        contactOn,
        method: safe ? 'phone' : 'in_person',
        contactValueId: safe?.id ?? null,
        successful: (i + n) % 5 !== 4,
        initiatedBy: (i + n) % 3 === 2 ? 'victim' : 'idva',
        durationMinutes: 15 + ((i + n) % 4) * 10,
        summary: SUMMARIES[(i + n) % SUMMARIES.length]!,
        voicemailLeft: false,
        withinSafeTimes: true,
        confirmUnsafe: false,
        justification: null,
      };
      await logContact(db, idva, idvaCaseId, contact);
    }
  }
  return allocated;
}
