import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { inJsonTerms, parseForm, personFields, personJsonField } from './people.api.forms.js';
import type { PersonJson, PersonOut, PersonPatchJson, peopleQuery, personListSchema } from './people.api.schemas.js';
import { tokenActor } from './people.api.token.js';
import { estimatedAgeNow } from './person.age.js';
import { personFormValues } from './person.presenter.js';
import { PAGE_SIZE } from './person.repository.js';
import { personEditForm, personForm } from './person.schemas.js';
import * as people from './person.service.js';
import type { PersonMatch } from './search.repository.js';
import { search } from './search.service.js';

/**
 * Person records for API tokens, through the same services, forms and access rules as the person pages. Changes
 * are audited by those services (person.create, person.update) with the token's id; reads by the route.
 */

type Deps = { db: Db };

function presentPerson({ person: p, names, addresses, contacts }: people.PersonRecord): PersonOut {
  const legal = names.find((n) => n.is_primary);
  return {
    id: p.id,
    version: p.version,
    owningAgency: { id: p.owning_agency_id, name: p.agency_name },
    givenName: legal?.given_name ?? '',
    familyName: legal?.family_name ?? '',
    otherNames: names.filter((n) => !n.is_primary).map((n) => ({ kind: n.kind, givenName: n.given_name, familyName: n.family_name })),
    dateOfBirth: p.date_of_birth,
    estimatedAge: p.estimated_age !== null && p.estimated_age_on ? estimatedAgeNow(p.estimated_age, p.estimated_age_on) : null,
    estimatedAgeOn: p.estimated_age !== null ? p.estimated_age_on : null,
    gender: p.gender,
    preferredLanguage: p.preferred_language,
    interpreterNeeded: p.interpreter_needed,
    gpPractice: p.gp_practice,
    safeTimes: p.safe_times,
    voicemailAllowed: p.voicemail_allowed,
    doNotWriteHome: p.do_not_write_home,
    codeWord: p.code_word,
    sex: p.sex,
    genderIdentity: p.gender_identity,
    ethnicity: p.ethnicity,
    disability: p.disability,
    disabilityTypes: p.disability_types as PersonOut['disabilityTypes'],
    religion: p.religion,
    sexualOrientation: p.sexual_orientation,
    pregnancy: p.pregnancy,
    maritalStatus: p.marital_status,
    immigrationStatus: p.immigration_status,
    nrpf: p.nrpf,
    // Already redacted by the service: another agency's confidential refuge address is only "held by".
    addresses: addresses.map((a) => ({
      id: a.id,
      line1: a.hidden ? null : a.line1,
      line2: a.line2,
      town: a.town,
      postcode: a.postcode,
      current: a.is_current,
      safe: a.is_safe,
      confidentialRefuge: a.confidential_refuge,
      hidden: a.hidden,
      recordedBy: { id: a.recorded_by_agency_id, name: a.recorded_by_agency_name },
    })),
    contacts: contacts.map((c) => ({ id: c.id, kind: c.kind, value: c.value, safe: c.is_safe, note: c.note })),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

/** The person as the viewer may see them; one they may not see is not found, exactly like one that does not exist. */
export async function readPerson(deps: Deps, viewer: UserPrincipal, id: string): Promise<PersonOut> {
  return presentPerson(await people.personRecord(deps, viewer, id));
}

export async function createPerson(deps: Deps, request: FastifyRequest, json: PersonJson): Promise<PersonOut> {
  const form = parseForm(personForm, personFields(json), personJsonField);
  const actor = tokenActor(request, 'people:write');
  const id = await inJsonTerms(people.createPerson(deps, actor, form), personJsonField);
  return readPerson(deps, actor.principal, id);
}

/**
 * Only the fields sent change: they are laid over the stored record as the edit form would show it, and the whole
 * is checked by the edit form's rules. The service then saves it only if `version` is still the current one.
 */
export async function updatePerson(deps: Deps, request: FastifyRequest, id: string, patch: PersonPatchJson): Promise<PersonOut> {
  const actor = tokenActor(request, 'people:write');
  const { person, names } = await people.personForEdit(deps, actor.principal, id);
  const { version, ...changes } = patch;
  const form = parseForm(personEditForm, { ...personFormValues(person, names), ...personFields(changes), version: String(version) }, personJsonField);
  await inJsonTerms(people.updatePerson(deps, actor, id, form), personJsonField);
  return readPerson(deps, actor.principal, id);
}

type PersonList = z.infer<typeof personListSchema>;
type NameKind = PersonOut['otherNames'][number]['kind'];

function presentMatch(m: PersonMatch): PersonList['people'][number] {
  const matchedOther = m.matched_kind !== 'legal' || m.matched_given !== m.given_name || m.matched_family !== m.family_name;
  return {
    id: m.id,
    givenName: m.given_name,
    familyName: m.family_name,
    dateOfBirth: m.date_of_birth,
    owningAgencyName: m.agency_name,
    matchedName: matchedOther ? { kind: m.matched_kind as NameKind, givenName: m.matched_given, familyName: m.matched_family } : null,
  };
}

/**
 * With a name, date of birth, phone or postcode: the search page's search (up to 50 best matches). Without: the
 * people list, newest first, a page at a time. Either way only people the token's agency may see.
 */
export async function findPeople(
  deps: Deps,
  viewer: UserPrincipal,
  query: z.infer<typeof peopleQuery>,
): Promise<{ searched: string[] | null; list: PersonList }> {
  const [year = '', month = '', day = ''] = (query.dateOfBirth ?? '').split('-');
  const terms = { name: query.name ?? '', 'dob-day': day, 'dob-month': month, 'dob-year': year, phone: query.phone ?? '', postcode: query.postcode ?? '' };
  const outcome = await search(deps.db, viewer, terms);
  if (outcome.errors.length) throw errors.validation(outcome.errors.map((e) => ({ ...e, field: e.field === 'dob' ? 'dateOfBirth' : e.field })));
  if (outcome.criteria) {
    const fields = Object.entries(outcome.criteria).flatMap(([k, v]) => (v ? [k] : []));
    const list: PersonList = { people: outcome.results.map(presentMatch), total: outcome.results.length, page: 1, pageSize: 50 };
    return { searched: fields, list };
  }
  const { rows, total } = await people.listPeople(deps, viewer, query.page);
  const list: PersonList = {
    people: rows.map((r) => ({
      id: r.id,
      givenName: r.given_name ?? '',
      familyName: r.family_name ?? '',
      dateOfBirth: r.date_of_birth,
      owningAgencyName: r.agency_name,
      matchedName: null,
    })),
    total,
    page: query.page,
    pageSize: PAGE_SIZE,
  };
  return { searched: null, list };
}
