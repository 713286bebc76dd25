import type { FastifyInstance } from 'fastify';
import { api } from '../../platform/routes.js';
import { caseInput, caseListSchema, casePatch, casePersonInput, casePersonParams, caseSchema, casesQuery } from './case.api.schemas.js';
import { addPersonToCase, createCase, listCases, readCase, removePersonFromCase, updateCase } from './case.api.service.js';
import { idParams } from './people.api.schemas.js';
import { tokenViewer } from './people.api.token.js';

/** /api/v1/cases: the cases the token's agency owns or shares, under the same rules as the case pages. */
export function registerCaseApi(app: FastifyInstance): void {
  const db = app.db;
  const tags = ['Cases'];

  api(app, {
    method: 'GET',
    url: '/api/v1/cases',
    scope: 'cases:read',
    audit: 'case.list',
    personalData: true,
    summary: 'List the cases the token’s agency may see, newest first',
    tags,
    query: casesQuery,
    response: { status: 200, schema: caseListSchema, description: 'A page of cases' },
    handler: async ({ principal, query }) => listCases(db, tokenViewer(principal, 'cases:read'), query),
  });

  api(app, {
    method: 'POST',
    url: '/api/v1/cases',
    scope: 'cases:write',
    audit: 'case.create',
    personalData: true,
    summary: 'Open a case, owned by the token’s agency, with its victim (someone on Harbour or a new person)',
    tags,
    body: caseInput,
    response: { status: 201, schema: caseSchema, description: 'The case as opened' },
    handler: async ({ request, reply, body }) => {
      const opened = await createCase(db, request, body);
      reply.header('location', `/api/v1/cases/${opened.id}`);
      return opened;
    },
  });

  api(app, {
    method: 'GET',
    url: '/api/v1/cases/:id',
    subjectType: 'case',
    scope: 'cases:read',
    audit: 'case.view',
    personalData: true,
    summary: 'Read a case, with its people and the agencies it is shared with',
    tags,
    params: idParams,
    response: { status: 200, schema: caseSchema, description: 'The case' },
    handler: async ({ principal, params }) => readCase(db, tokenViewer(principal, 'cases:read'), params.id),
  });

  api(app, {
    method: 'PATCH',
    url: '/api/v1/cases/:id',
    subjectType: 'case',
    scope: 'cases:write',
    audit: 'case.update',
    personalData: true,
    summary: 'Change a case’s status, closing date or flags (only the fields sent), if unchanged since the version read',
    tags,
    params: idParams,
    body: casePatch,
    response: { status: 200, schema: caseSchema, description: 'The case as changed' },
    handler: async ({ request, params, body }) => updateCase(db, request, params.id, body),
  });

  api(app, {
    method: 'POST',
    url: '/api/v1/cases/:id/people',
    subjectType: 'case',
    scope: 'cases:write',
    audit: 'case.person.add',
    personalData: true,
    summary: 'Add a perpetrator, child or household member to a case (someone on Harbour or a new person), under the case page’s rules',
    tags,
    params: idParams,
    body: casePersonInput,
    response: { status: 201, schema: caseSchema, description: 'The case with the person added; Location names them on the case' },
    handler: async ({ request, reply, params, body }) => {
      const added = await addPersonToCase(db, request, params.id, body);
      reply.header('location', `/api/v1/cases/${params.id}/people/${added.personId}`);
      return added.case;
    },
  });

  api(app, {
    method: 'DELETE',
    url: '/api/v1/cases/:id/people/:personId',
    subjectType: 'case',
    scope: 'cases:write',
    audit: 'case.person.remove',
    personalData: true,
    summary: 'Take a perpetrator, child or household member off a case (the victim stays); their person record stays',
    tags,
    params: casePersonParams,
    response: { status: 200, schema: caseSchema, description: 'The case without them' },
    handler: async ({ request, params }) => removePersonFromCase(db, request, params.id, params.personId),
  });
}
