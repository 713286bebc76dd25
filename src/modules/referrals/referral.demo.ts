import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor } from '../../platform/request-context.js';
import { recordIncident } from './incident.service.js';
import { createReferral } from './referral.service.js';
import { decideReferral } from './screening.service.js';
import type { IncidentType } from './referrals.table.js';

const TYPES: IncidentType[][] = [['physical'], ['controlling_coercive', 'psychological_emotional'], ['stalking_harassment'], ['physical', 'sexual']];

/**
 * Incidents on the demo's open cases and MARAC referrals at every stage: high risk by score (from the risk demo's
 * assessments), potential escalation, professional judgement, a repeat, some accepted, one declined, the rest
 * waiting in the coordinator's screening queue. Council Community Safety receives MARAC referrals.
 */
export async function seedReferralsDemo(db: Db, partnershipId: string): Promise<number> {
  const today = londonToday();
  const council = await db
    .selectFrom('agencies')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('code', '=', 'COUNCIL')
    .executeTakeFirstOrThrow();
  await db.insertInto('referral_settings').values({ partnership_id: partnershipId, marac_agency_id: council.id, updated_by: null }).execute();
  const { rows: cases } = await sql<{ id: string; email: string; perpetrators: string[]; band: string | null }>`
    select c.id, u.email,
      array(select cp.person_id from case_people cp where cp.partnership_id = c.partnership_id and cp.case_id = c.id and cp.role = 'perpetrator') as perpetrators,
      (select ra.score_band from risk_assessments ra where ra.partnership_id = c.partnership_id and ra.case_id = c.id and ra.status = 'submitted'
       order by ra.assessed_on desc limit 1) as band
    from cases c join users u on u.partnership_id = c.partnership_id and u.id = c.created_by
    where c.partnership_id = ${partnershipId} and c.status = 'open'
    order by c.opened_on, c.reference`.execute(db);
  const coordinator = await userActor(db, partnershipId, 'coordinator@demo.harbour.example', 'demo seed');
  let made = 0;
  let screened = 0;
  for (const [i, demo] of cases.filter((c) => c.perpetrators.length > 0).entries()) {
    const actor = await userActor(db, partnershipId, demo.email, 'demo seed');
    const viewer = actor.principal as UserPrincipal;
    const perpetratorIds = demo.perpetrators.slice(0, 1);
    const incidents = 1 + (i % 4);
    const referredOn = shiftDays(today, -(3 + (i % 5) * 12));
    for (let n = 0; n < incidents; n += 1) {
      await recordIncident(db, actor, viewer, demo.id, {
        occurred_on: shiftDays(referredOn, -(5 + n * 45 + i)),
        occurred_at_time: n % 2 ? '22:40' : null,
        types: TYPES[(i + n) % TYPES.length]!,
        reported_to_police: n % 3 !== 2,
        police_reference: n % 3 !== 2 ? `HS-${(240000 + i * 10 + n).toString()}` : null,
        injuries: n === 0 ? 'minor' : 'none',
        children_present: i % 2 ? 'yes' : 'no',
        location_type: n % 2 ? 'shared_home' : 'victim_home',
        summary: null,
        perpetratorIds,
      });
    }
    const criterion = demo.band === 'high' ? 'visible_high_risk' : incidents >= 3 ? 'potential_escalation' : i % 3 === 0 ? 'professional_judgement' : null;
    if (!criterion) continue;
    const referral = await createReferral(db, actor, viewer, {
      ...referralBase(demo.id, perpetratorIds),
      criterion,
      reasons: criterion === 'professional_judgement' ? 'Victim says threats have become more specific since he learned her new address.' : null,
      referredOn,
      consent:
        i % 4 === 1
          ? { status: 'not_sought', lawfulBasis: 'safeguarding', reason: 'Contacting the victim now would put her at risk' }
          : referralBase('', []).consent,
    });
    made += 1;
    // Older referrals have been screened; the newest wait in the queue.
    if (referredOn < shiftDays(today, -20)) {
      screened += 1;
      const decision =
        screened === 3
          ? { decision: 'decline' as const, declineCode: 'already_open' as const, reason: 'Heard at last week’s MARAC' }
          : { decision: 'accept' as const };
      await decideReferral(db, coordinator, referral.id, 1, decision);
      if (decision.decision === 'accept' && screened % 2 === 0) {
        // A further incident after the referral: Harbour flags it as a repeat and the case is referred back.
        await recordIncident(db, actor, viewer, demo.id, {
          occurred_on: shiftDays(today, -2),
          occurred_at_time: '23:15',
          types: ['physical', 'violent_threatening'],
          reported_to_police: true,
          police_reference: `HS-${(250000 + i).toString()}`,
          injuries: 'serious',
          children_present: 'yes',
          location_type: 'victim_home',
          summary: null,
          perpetratorIds,
        });
        await createReferral(db, actor, viewer, { ...referralBase(demo.id, perpetratorIds), criterion: 'repeat', referredOn: shiftDays(today, -1) });
        made += 1;
      }
    }
  }
  return made;
}

function referralBase(caseId: string, perpetratorIds: string[]) {
  return {
    caseId,
    destination: 'marac' as const,
    toAgencyId: null,
    reasons: null,
    perpetratorIds,
    riskAssessmentId: null,
    consent: { status: 'given' as const, lawfulBasis: null, reason: null },
  };
}
