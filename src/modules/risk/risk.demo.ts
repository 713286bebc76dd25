import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { recordAudit } from '../../platform/audit.js';
import { londonToday } from '../../platform/format.js';
import { permissionsFor, type Role } from '../../platform/permissions.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { Actor } from '../../platform/request-context.js';
import { RISK_HISTORIES, type DemoAssessment } from './risk.demo-data.js';
import { questionsOf } from './risk.instrument.js';
import { listCaseVictimNames } from './risk.repository.js';
import { ensureShippedInstruments, findAssessment, saveSection, startDraft, submitAssessment } from './risk.service.js';

/**
 * Invented risk histories for the demo cases, made through the risk services as the demo staff, so each assessment
 * has the rows, history and audit trail a real one would. Run after the demo cases (seedCasesDemo).
 */

/** Acts as a user of the partnership, recording audit events as they would, marked with `via` (e.g. "demo seed"). */
export async function actingAs(db: Db, partnershipId: string, email: string, via: string): Promise<Actor> {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('agencies as a', (join) => join.onRef('a.partnership_id', '=', 'u.partnership_id').onRef('a.id', '=', 'u.agency_id'))
    .select(['u.id', 'u.agency_id', 'u.display_name', 'u.roles', 'a.code', 'a.name', 'a.isa_signed_on', 'a.isa_expires_on'])
    .where('u.partnership_id', '=', partnershipId)
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  const principal: UserPrincipal = {
    kind: 'user',
    userId: user.id,
    partnershipId,
    agencyId: user.agency_id,
    agencyCode: user.code,
    agencyName: user.name,
    agencyAgreement: { signedOn: user.isa_signed_on, expiresOn: user.isa_expires_on },
    email,
    displayName: user.display_name,
    roles: user.roles as Role[],
    permissions: permissionsFor(user.roles),
  };
  const who = { partnershipId, userId: user.id, agencyId: user.agency_id, requestId: `demo-${randomUUID()}`, ip: 'cli' };
  return {
    principal,
    requestId: who.requestId,
    ip: who.ip,
    record: (trx, event) => recordAudit(trx, { ...event, ...who, details: { ...(event.details ?? {}), via } }),
  };
}

function daysBefore(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** Starts, answers section by section and (unless it stays a draft) submits one demo assessment. */
async function makeAssessment(db: Db, actor: Actor, caseId: string, demo: DemoAssessment, today: string): Promise<void> {
  const started = await startDraft(db, actor, caseId, {
    instrument: demo.instrument ?? 'dash-ric-24',
    assessedOn: daysBefore(today, demo.daysAgo),
    victimParticipated: !demo.victimAbsent,
  });
  const { definition } = await findAssessment(db, actor.principal as UserPrincipal, started.id);
  const answerOf = (n: number) => (demo.yes.includes(n) ? 'yes' : demo.notKnown?.includes(n) ? 'not_known' : 'no');
  const numbers = new Map(questionsOf(definition).map((q, i) => [q.id, i + 1]));
  let version = started.version;
  for (const section of definition.sections.slice(0, demo.draftSections ?? definition.sections.length)) {
    const answers = Object.fromEntries(section.questions.map((q) => [q.id, answerOf(numbers.get(q.id)!)]));
    ({ version } = await saveSection(db, actor, started.id, { version, section: section.id, answers }));
  }
  if (demo.draftSections) return;
  await submitAssessment(db, actor, started.id, { version, level: demo.level ?? null, rationale: demo.rationale ?? null });
}

/** Adds the demo risk histories; returns how many assessments were made (drafts included). */
export async function seedRiskDemo(db: Db, partnershipId: string): Promise<number> {
  await ensureShippedInstruments(db, partnershipId);
  const today = londonToday();
  const victims = await listCaseVictimNames(db, partnershipId);
  const caseOf = new Map(victims.map((v) => [v.family_name, v.case_id]));
  const actors = new Map<string, Actor>();
  let made = 0;
  for (const history of RISK_HISTORIES) {
    const caseId = caseOf.get(history.victim);
    if (!caseId) throw new Error(`The demo risk history for ${history.victim} needs the demo cases first`);
    for (const demo of history.assessments) {
      if (!actors.has(demo.by)) actors.set(demo.by, await actingAs(db, partnershipId, `${demo.by}@demo.harbour.example`, 'demo seed'));
      await makeAssessment(db, actors.get(demo.by)!, caseId, demo, today);
      made += 1;
    }
  }
  return made;
}
