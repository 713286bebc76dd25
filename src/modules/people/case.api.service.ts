import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../db/database.js';
import type { UserPrincipal } from '../../platform/principal.js';
import type { CaseJson, CaseOut, CasePatchJson, CasePersonJson, casesQuery, PersonChoiceJson } from './case.api.schemas.js';
import * as repo from './case.repository.js';
import { caseEditForm, childForm, householdMemberForm, newCaseForm, perpetratorForm } from './case.schemas.js';
import * as cases from './case.service.js';
import { caseJsonField, casePersonJsonField, dateFields, inJsonTerms, parseForm, type FormFields } from './people.api.forms.js';
import { tokenActor } from './people.api.token.js';
import { estimatedAgeNow } from './person.age.js';

/**
 * Cases for API tokens, through the same services, forms and access rules as the case pages. Changes are audited
 * by those services (case.create, case.update, case.person.add, case.person.remove; person.create for a new person)
 * with the token's id.
 */

/** A child's relationships are kept as { adult's person id: code }. */
function relationshipsToAdults(stored: string | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(stored ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Only relationships to adults the viewer sees on the case: one taken off it, or hidden from the viewer, is left out. */
function relationshipsShown(stored: string | null, shown: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(relationshipsToAdults(stored)).filter(([adultId]) => shown.has(adultId)));
}

function presentCase(row: repo.CaseRow, people: repo.CasePersonRow[], agencies: { id: string; name: string }[]): CaseOut {
  const shown = new Set(people.map((p) => p.id));
  return {
    id: row.id,
    reference: row.reference,
    version: row.version,
    status: row.status,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
    flags: row.flags as CaseOut['flags'],
    owningAgency: { id: row.owning_agency_id, name: row.owning_agency_name },
    sharedWith: agencies.map((a) => ({ id: a.id, name: a.name })),
    people: people.map((p) => ({
      id: p.id,
      role: p.role,
      givenName: p.given_name,
      familyName: p.family_name,
      dateOfBirth: p.date_of_birth,
      estimatedAge: p.estimated_age !== null && p.estimated_age_on ? estimatedAgeNow(p.estimated_age, p.estimated_age_on) : null,
      relationship: p.role === 'child' ? null : p.relationship,
      relationshipsToAdults: p.role === 'child' ? relationshipsShown(p.relationship, shown) : {},
      livesWith: p.lives_with as CaseOut['people'][number]['livesWith'],
    })),
  };
}

/** The case as the viewer may see it; one they may not see is not found, exactly like one that does not exist. */
export async function readCase(db: Db, viewer: UserPrincipal, id: string): Promise<CaseOut> {
  const found = await cases.findCase(db, viewer, id);
  const [people, agencies] = await Promise.all([repo.listCasePeople(db, viewer, id), repo.listCaseAgencies(db, viewer.partnershipId, id)]);
  return presentCase(found, people, agencies);
}

/** A case form's person fields: a Harbour ID, or a new person's names and age. */
function personChoiceFields({ personId, givenName, familyName, dateOfBirth, estimatedAge }: PersonChoiceJson): FormFields {
  return {
    personId,
    givenName,
    familyName,
    ...dateFields('dateOfBirth', dateOfBirth ?? null),
    estimatedAge: estimatedAge === null || estimatedAge === undefined ? '' : String(estimatedAge),
  };
}

/** The new-case form's fields: the victim's and the case's own. */
function newCaseFields(json: CaseJson): FormFields {
  return { ...personChoiceFields(json.victim), ...dateFields('openedOn', json.openedOn), flags: json.flags ?? [] };
}

export async function createCase(db: Db, request: FastifyRequest, json: CaseJson): Promise<CaseOut> {
  const form = parseForm(newCaseForm, newCaseFields(json), caseJsonField);
  const actor = tokenActor(request, 'cases:write');
  const created = await inJsonTerms(cases.openCase(db, actor, form), caseJsonField);
  return readCase(db, actor.principal, created.id);
}

/** Only the fields sent change, laid over the case as its edit form shows it; the service checks the version. */
export async function updateCase(db: Db, request: FastifyRequest, id: string, patch: CasePatchJson): Promise<CaseOut> {
  const actor = tokenActor(request, 'cases:write');
  const found = await cases.findCase(db, actor.principal, id);
  const fields = {
    status: patch.status ?? found.status,
    ...dateFields('closedOn', patch.closedOn === undefined ? found.closed_on : patch.closedOn),
    flags: patch.flags ?? found.flags,
    version: String(patch.version),
  };
  const form = parseForm(caseEditForm, fields, (field) => field);
  await cases.updateCase(db, actor, id, form);
  return readCase(db, actor.principal, id);
}

/** The add-a-person form for the role, as the case page posts it: a child's relationships as relationship-<adult's id>. */
function personToAdd(json: CasePersonJson): cases.AddPerson {
  const relationships = Object.entries(json.relationshipsToAdults ?? {}).map(([adultId, code]) => [`relationship-${adultId}`, code]);
  const fields = { ...personChoiceFields(json.person), relationship: json.relationship, livesWith: json.livesWith, ...Object.fromEntries(relationships) };
  switch (json.role) {
    case 'perpetrator':
      return { role: json.role, form: parseForm(perpetratorForm, fields, casePersonJsonField) };
    case 'child':
      return { role: json.role, form: parseForm(childForm, fields, casePersonJsonField) };
    case 'household_member':
      return { role: json.role, form: parseForm(householdMemberForm, fields, casePersonJsonField) };
  }
}

/** Adds a perpetrator, child or household member (recording a new person first), under the case page's rules. */
export async function addPersonToCase(db: Db, request: FastifyRequest, caseId: string, json: CasePersonJson): Promise<{ personId: string; case: CaseOut }> {
  const add = personToAdd(json);
  const actor = tokenActor(request, 'cases:write');
  const personId = await inJsonTerms(cases.addPersonToCase(db, actor, caseId, add), casePersonJsonField);
  return { personId, case: await readCase(db, actor.principal, caseId) };
}

export async function removePersonFromCase(db: Db, request: FastifyRequest, caseId: string, personId: string): Promise<CaseOut> {
  const actor = tokenActor(request, 'cases:write');
  await cases.removePersonFromCase(db, actor, caseId, personId);
  return readCase(db, actor.principal, caseId);
}

export async function listCases(db: Db, viewer: UserPrincipal, query: z.infer<typeof casesQuery>) {
  const { rows, total } = await repo.listVisibleCases(db, viewer, { page: query.page, status: query.status || undefined });
  return {
    cases: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      status: r.status,
      openedOn: r.opened_on,
      flagCount: r.flag_count,
      victim: r.victim_given !== null ? { givenName: r.victim_given, familyName: r.victim_family ?? '' } : null,
    })),
    total,
    page: query.page,
    pageSize: repo.PAGE_SIZE,
  };
}
