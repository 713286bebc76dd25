import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { RISK_HISTORIES, type DemoAssessment } from './risk.demo-data.js';
import { questionsOf } from './risk.instrument.js';
import { listCaseVictimNames } from './risk.repository.js';
import { ensureShippedInstruments, findAssessment, saveSection, startDraft, submitAssessment } from './risk.service.js';

/**
 * Invented risk histories for the demo cases, made through the risk services as the demo staff, so each assessment
 * has the rows, history and audit trail a real one would. Run after the demo cases (seedCasesDemo).
 */

/** Starts, answers section by section and (unless it stays a draft) submits one demo assessment. */
async function makeAssessment(db: Db, actor: Actor, caseId: string, demo: DemoAssessment, today: string): Promise<void> {
  const started = await startDraft(db, actor, caseId, {
    instrument: demo.instrument ?? 'dash-ric-24',
    assessedOn: shiftDays(today, -demo.daysAgo),
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
      if (!actors.has(demo.by)) actors.set(demo.by, await userActor(db, partnershipId, `${demo.by}@demo.harbour.example`, 'demo seed'));
      await makeAssessment(db, actors.get(demo.by)!, caseId, demo, today);
      made += 1;
    }
  }
  return made;
}
