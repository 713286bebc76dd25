import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import type { UserPrincipal } from '../../platform/principal.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { presentCandidate } from './person.duplicates.presenter.js';
import { presentMergedRecord, presentMergesInto, presentPreview } from './person.merge.presenter.js';
import { mergeChooseQuery, mergeConfirmForm, mergeParams, unmergeForm } from './person.merge.schemas.js';
import { mergeChoices, mergedRecord, mergePeople, mergePreview, mergesInto, unmergePerson } from './person.merge.service.js';
import { primaryName } from './person.presenter.js';
import { idParams } from './person.schemas.js';
import type { PeopleDeps } from './person.service.js';

type Params = { id: string; otherId?: string };
const previewUrl = (request: FastifyRequest) => {
  const { id, otherId } = request.params as Params;
  return `/people/${id}/merge/${otherId}`;
};

/**
 * Merging two records of one person (coordinators): choose the other record, compare the two side by side,
 * confirm; the merged record's page then says where it went, and the merge can be undone for 30 days.
 */
export function registerPersonMergeRoutes(app: FastifyInstance): void {
  const deps = { db: app.db };

  page(app, {
    method: 'GET',
    url: '/people/:id/merge',
    subjectType: 'person',
    access: 'people:merge',
    audit: 'person.merge.choose',
    personalData: true,
    params: idParams,
    query: mergeChooseQuery,
    handler: async ({ request, reply, params, query }) => {
      const { record, candidates, found } = await mergeChoices(deps, requireUser(request), params.id, query.name);
      // How many records were offered, not who: the audit log is read more widely than the records.
      request.audit.details = { candidates: candidates.length, results: found?.results.length ?? null };
      const searchErrors = found?.errors ?? [];
      return renderPage(request, reply, 'people/views/person-merge-choose.njk', {
        person: { id: record.person.id, name: primaryName(record.names) },
        candidates: candidates.map(presentCandidate),
        query,
        searched: found !== null && searchErrors.length === 0,
        results: (found?.results ?? []).map(presentCandidate),
        errorList: searchErrors.map((e) => ({ text: e.message, href: '#name' })),
        fieldErrors: searchErrors.length ? { name: { text: searchErrors[0]!.message } } : {},
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/people/:id/merge/:otherId',
    subjectType: 'person',
    access: 'people:merge',
    audit: 'person.merge.preview',
    personalData: true,
    params: mergeParams,
    handler: async ({ request, reply, params }) => {
      const preview = await mergePreview(deps, requireUser(request), params.id, params.otherId);
      request.audit.details = { mergedId: params.otherId, refused: preview.refusal !== null };
      return renderPage(request, reply, 'people/views/person-merge-preview.njk', { preview: presentPreview(preview) });
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/merge/:otherId',
    subjectType: 'person',
    access: 'people:merge',
    audit: 'person.merge',
    params: mergeParams,
    body: mergeConfirmForm,
    invalidRedirect: previewUrl,
    handler: async ({ request, reply, params, body }) => {
      await mergePeople(deps, actorFor(request), params.id, params.otherId, body);
      await app.sessions.setFlash(request.session!.idHash, { notice: translate('en', 'merge.done') });
      return reply.redirect(`/people/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'POST',
    url: '/people/:id/unmerge',
    subjectType: 'person',
    access: 'people:merge',
    audit: 'person.unmerge',
    params: idParams,
    body: unmergeForm,
    invalidRedirect: (request) => `/people/${(request.params as Params).id}`,
    handler: async ({ request, reply, params }) => {
      const { notRestored } = await unmergePerson(deps, actorFor(request), params.id);
      const notice = notRestored ? translate('en', 'merge.undone.partly', { count: notRestored }) : translate('en', 'merge.undone');
      await app.sessions.setFlash(request.session!.idHash, { notice });
      return reply.redirect(`/people/${params.id}`, 303);
    },
  });
}

/**
 * GET /people/:id of a merged record: "This record was merged into …" for a viewer who may see where it went.
 * False otherwise, and the caller answers not found, exactly as for a record that does not exist.
 */
export async function renderMergedRecord(deps: PeopleDeps, request: FastifyRequest, reply: FastifyReply, id: string): Promise<boolean> {
  const merged = await mergedRecord(deps, requireUser(request), id);
  if (!merged) return false;
  request.audit.details = { mergedInto: merged.survivorId };
  await renderPage(request, reply, 'people/views/person-merge-merged.njk', { merged: presentMergedRecord(merged) });
  return true;
}

/** What the person page shows about merging: the way in, and records merged into this one that can be undone. */
export async function mergeSection(deps: PeopleDeps, viewer: UserPrincipal, id: string) {
  const mayMerge = viewer.permissions.has('people:merge');
  return { mayMerge, mergedHere: mayMerge ? presentMergesInto(await mergesInto(deps, viewer, id)) : [] };
}
