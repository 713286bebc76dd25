import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import { userActor, type Actor } from '../../platform/request-context.js';
import { CASES, RESTRICTED, type Owner } from './case.demo-data.js';
import type { NewPerson } from './case.schemas.js';
import { addPersonToCase, assignAgency, openCase, updateCase } from './case.service.js';
import { addRestriction } from './restriction.service.js';

/*
 * Invented demo cases (never names from the seed documents), made through the case and restriction services as
 * the demo staff, so each case has the same rows, history and audit trail (its timeline) a real one would.
 */

/** A birth date that makes someone `age` on `onDate`, a few months after their birthday. */
const bornAged = (age: number, onDate: string) => shiftDays(`${Number(onDate.slice(0, 4)) - age}${onDate.slice(4)}`, -100);

/** How the victim's children relate to a perpetrator: a partner's own or step-child, or another relative's. */
const PARTNERS = ['partner', 'ex_partner', 'spouse', 'ex_spouse', 'engaged', 'parent_of_same_child'];

const person = (given: string, family: string, dateOfBirth: string | null, estimatedAge: number | null = null): NewPerson => ({
  kind: 'new',
  givenName: given,
  familyName: family,
  dateOfBirth,
  estimatedAge,
});

/** About 25 cases at different stages; returns how many were made. */
export async function seedCasesDemo(db: Db, partnershipId: string): Promise<number> {
  const today = londonToday();
  const actors = new Map<Owner, Actor>();
  for (const owner of ['practitioner', 'idva', 'chair', 'rep', 'coordinator'] as const) {
    actors.set(owner, await userActor(db, partnershipId, `${owner}@demo.harbour.example`, 'demo seed'));
  }
  const agencies = new Map(
    (await db.selectFrom('agencies').select(['id', 'code']).where('partnership_id', '=', partnershipId).execute()).map((a) => [a.code, a.id]),
  );
  const perpetrators = new Map<string, string>(); // "Given Family" → person id, so a perpetrator can be on a second case

  for (const demo of CASES) {
    const actor = actors.get(demo.owner)!;
    const openedOn = shiftDays(today, -demo.daysAgo);
    const [given, family, age] = demo.victim;
    const opened = await openCase(db, actor, { victim: person(given, family, bornAged(age, openedOn)), openedOn, flags: demo.flags ?? [] });
    const adults: Record<string, string> = { [opened.victimId]: 'child' };
    for (const [pGiven, pFamily, relationship, pAge] of demo.perpetrators ?? []) {
      const known = perpetrators.get(`${pGiven} ${pFamily}`);
      // Half the perpetrators' ages are estimates, as they often are when a victim first discloses.
      const chosen = known
        ? { kind: 'existing' as const, personId: known }
        : person(pGiven, pFamily, pAge % 2 ? null : bornAged(pAge, openedOn), pAge % 2 ? pAge : null);
      const id = await addPersonToCase(db, actor, opened.id, { role: 'perpetrator', form: { person: chosen, relationship } });
      perpetrators.set(`${pGiven} ${pFamily}`, id);
      adults[id] = !PARTNERS.includes(relationship) ? 'other_relative' : pFamily === family ? 'child' : 'stepchild';
    }
    for (const [cGiven, cFamily, cAge, livesWith] of demo.children ?? []) {
      const form = { person: person(cGiven, cFamily, bornAged(cAge, openedOn)), relationships: adults, livesWith };
      await addPersonToCase(db, actor, opened.id, { role: 'child', form });
    }
    for (const code of demo.share ?? []) await assignAgency(db, actor, opened.id, agencies.get(code)!);
    if (demo.closedDaysAgo !== undefined) {
      await updateCase(db, actor, opened.id, { status: 'closed', closedOn: shiftDays(today, -demo.closedDaysAgo), flags: demo.flags ?? [], version: 1 });
    }
    if (family === RESTRICTED.victim) {
      await addRestriction(db, actor, { type: 'case', id: opened.id }, { blocked: { kind: 'user', email: RESTRICTED.email }, reason: RESTRICTED.reason });
    }
  }
  return CASES.length;
}
