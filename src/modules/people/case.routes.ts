import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { loadCasePanels } from './case.panels.js';
import { mayManageSharing } from './case.policy.js';
import {
  bornText,
  childRelationshipItems,
  flagItems,
  livesWithItems,
  personName,
  presentCase,
  presentCaseListRow,
  relationshipItems,
} from './case.presenter.js';
import * as repo from './case.repository.js';
import {
  caseEditForm,
  caseListQuery,
  caseViewQuery,
  childForm,
  householdMemberForm,
  idParams,
  newCaseForm,
  personQuery,
  perpetratorForm,
  TIMELINE_TYPES,
  assignAgencyForm,
  type PersonRole,
  type TimelineType,
} from './case.schemas.js';
import * as cases from './case.service.js';
import { buildTimeline } from './case.timeline.js';
import { listAgencies } from './restriction.repository.js';
import { presentRestriction, restrictionPanel } from './restriction.presenter.js';
import { registerRestrictionRoutes } from './restriction.routes.js';
import { restrictionsFor } from './restriction.service.js';
import { pagination } from '../../platform/pagination.js';

const caseUrl = (request: FastifyRequest) => `/cases/${(request.params as { id: string }).id}`;
const UUID = /^[0-9a-f-]{36}$/i;

export function registerCaseRoutes(app: FastifyInstance): void {
  const db = app.db;

  /** A person chosen by ?person=<id> must be one the viewer may see; anyone else is simply not found. */
  async function chosenPerson(request: FastifyRequest, personId: string | undefined) {
    if (!personId) return null;
    const person = await repo.findVisiblePerson(db, requireUser(request), personId);
    if (!person) throw errors.notFound('Person');
    return { id: person.id, name: personName(person), born: bornText(person) };
  }

  page(app, {
    method: 'GET',
    url: '/cases',
    access: 'personal-data:read',
    audit: 'case.list',
    personalData: true,
    query: caseListQuery,
    handler: async ({ request, reply, query }) => {
      const { rows, total } = await repo.listVisibleCases(db, requireUser(request), query);
      const statusItems = [
        { value: '', text: translate('en', 'case.list.allStatuses') },
        ...(['open', 'closed'] as const).map((s) => ({ value: s, text: translate('en', `case.status.${s}`) })),
      ];
      return renderPage(request, reply, 'people/views/case-list.njk', {
        cases: rows.map(presentCaseListRow),
        total,
        statusItems: statusItems.map((item) => ({ ...item, selected: item.value === (query.status ?? '') })),
        pagination: pagination('/cases', { status: query.status }, query.page, total, repo.PAGE_SIZE),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/cases/new',
    access: 'personal-data:read',
    audit: 'case.create.view',
    personalData: true,
    query: personQuery,
    handler: async ({ request, reply, query }) => {
      const [year, month, day] = londonToday().split('-');
      return renderPage(request, reply, 'people/views/case-new.njk', {
        person: await chosenPerson(request, query.person),
        today: { day: String(Number(day)), month: String(Number(month)), year },
        flagItems: flagItems(),
        agencyName: requireUser(request).agencyName,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases',
    access: 'personal-data:read',
    audit: 'case.create',
    body: newCaseForm,
    invalidRedirect: (request) => {
      const personId = String((request.body as Record<string, unknown>).personId ?? '');
      return UUID.test(personId) ? `/cases/new?person=${personId}` : '/cases/new';
    },
    handler: async ({ request, reply, body }) => {
      const created = await cases.openCase(db, actorFor(request), body);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'case.new.done', { reference: created.reference }) });
      return reply.redirect(`/cases/${created.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/cases/:id',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'case.view',
    personalData: true,
    params: idParams,
    query: caseViewQuery,
    handler: async ({ request, reply, params, query }) => {
      const viewer = requireUser(request);
      const found = await cases.findCase(db, viewer, params.id);
      const mayManage = mayManageSharing(viewer, { owningAgencyId: found.owning_agency_id });
      const subject = { type: 'case' as const, id: found.id };
      const [people, assigned, agencies, eligible, events, history, restrictions, panels] = await Promise.all([
        repo.listCasePeople(db, viewer, found.id),
        repo.listCaseAgencies(db, viewer.partnershipId, found.id),
        listAgencies(db, viewer.partnershipId),
        repo.listAgreementAgencies(db, viewer.partnershipId, londonToday()),
        repo.listCaseEvents(db, viewer.partnershipId, found.id, repo.TIMELINE_ACTIONS),
        repo.listCaseHistory(db, viewer.partnershipId, found.id),
        restrictionsFor(db, viewer, subject, { includeRemoved: true }),
        loadCasePanels(app, viewer, found.id),
      ]);
      const presentedRestrictions = restrictions.restrictions.map(presentRestriction);
      // People the timeline names who are no longer on the case, if the viewer may still see them.
      const onCase = new Set(people.map((p) => p.id));
      const former = [...new Set(events.map((e) => (e.details as { personId?: string }).personId ?? ''))].filter((id) => id && !onCase.has(id));
      const formerPeople = await repo.listVisiblePeople(db, viewer, former);
      const timeline = buildTimeline(
        {
          events,
          history,
          current: found,
          names: {
            people: new Map([...people, ...formerPeople].map((p) => [p.id, personName(p)])),
            agencies: new Map(agencies.map((a) => [a.id, a.name])),
            restrictions: new Map(presentedRestrictions.map((r) => [r.id, r.who])),
          },
          showRestrictions: mayManage,
        },
        query.type,
      );
      const sharedIds = new Set([found.owning_agency_id, ...assigned.map((a) => a.id)]);
      const timelineTypes: TimelineType[] = TIMELINE_TYPES.filter((type) => type !== 'restrictions' || mayManage);
      return renderPage(request, reply, 'people/views/case-view.njk', {
        caseView: presentCase(found, people, assigned),
        panels,
        mayManage,
        assignableItems: [
          { value: '', text: translate('en', 'case.agencies.choose') },
          ...eligible.filter((a) => !sharedIds.has(a.id)).map((a) => ({ value: a.id, text: a.name })),
        ],
        restrictionPanel: mayManage && restrictionPanel(viewer, `/cases/${found.id}/restrictions`, presentedRestrictions, agencies),
        timeline,
        timelineItems: [
          { value: '', text: translate('en', 'case.timeline.allTypes') },
          ...timelineTypes.map((type) => ({ value: type, text: translate('en', `case.timeline.type.${type}`), selected: type === query.type })),
        ],
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/cases/:id/edit',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'case.update.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await cases.findCase(db, requireUser(request), params.id);
      const [year = '', month = '', day = ''] = (found.closed_on ?? '').split('-');
      return renderPage(request, reply, 'people/views/case-edit.njk', {
        caseView: { id: found.id, reference: found.reference, version: found.version, status: found.status, flags: found.flags },
        closedOn: found.closed_on ? { day: String(Number(day)), month: String(Number(month)), year } : {},
        flagItems: flagItems(),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases/:id',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'case.update',
    params: idParams,
    body: caseEditForm,
    invalidRedirect: (request) => `${caseUrl(request)}/edit`,
    handler: async ({ request, reply, params, body }) => {
      await cases.updateCase(db, actorFor(request), params.id, body);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'case.edit.done') });
      return reply.redirect(`/cases/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/cases/:id/agencies',
    subjectType: 'case',
    access: 'personal-data:read',
    audit: 'case.agency.assign',
    params: idParams,
    body: assignAgencyForm,
    invalidRedirect: caseUrl,
    handler: async ({ request, reply, params, body }) => {
      await cases.assignAgency(db, actorFor(request), params.id, body.agencyId);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'case.agencies.done') });
      return reply.redirect(`/cases/${params.id}`, 303);
    },
  });

  /** The form and its handler for adding a perpetrator, a child or a household member to a case. */
  function addPersonPages<B>(role: Exclude<PersonRole, 'victim'>, path: string, body: z.ZodType<B>, toAdd: (form: B) => cases.AddPerson) {
    page(app, {
      method: 'GET',
      url: `/cases/:id/${path}/new`,
      subjectType: 'case',
      access: 'personal-data:read',
      audit: 'case.person.add.view',
      personalData: true,
      params: idParams,
      query: personQuery,
      handler: async ({ request, reply, params, query }) => {
        const viewer = requireUser(request);
        const found = await cases.findCase(db, viewer, params.id);
        const people = await repo.listCasePeople(db, viewer, found.id);
        const presented = presentCase(found, people, []);
        return renderPage(request, reply, 'people/views/case-person-form.njk', {
          role,
          action: `/cases/${found.id}/${path}`,
          caseView: presented,
          person: await chosenPerson(request, query.person),
          relationshipItems: relationshipItems(),
          childRelationshipItems: childRelationshipItems(),
          livesWithItems: livesWithItems(),
        });
      },
    });
    page(app, {
      method: 'POST',
      url: `/cases/:id/${path}`,
      subjectType: 'case',
      access: 'personal-data:read',
      audit: 'case.person.add',
      params: idParams,
      body,
      invalidRedirect: (request) => `${caseUrl(request)}/${path}/new`,
      handler: async ({ request, reply, params, body: form }) => {
        await cases.addPersonToCase(db, actorFor(request), params.id, toAdd(form));
        await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', `case.${role}.done`) });
        return reply.redirect(`/cases/${params.id}`, 303);
      },
    });
  }

  addPersonPages('perpetrator', 'perpetrators', perpetratorForm, (form) => ({ role: 'perpetrator', form }));
  addPersonPages('child', 'children', childForm, (form) => ({ role: 'child', form }));
  addPersonPages('household_member', 'household-members', householdMemberForm, (form) => ({ role: 'household_member', form }));

  registerRestrictionRoutes(app);
}
