import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { errors } from '../../platform/errors.js';
import { formatDate, londonToday } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { notice, renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page, zodFieldErrors } from '../../platform/routes.js';
import { activityEntry, activityForm as activityFormFor, correctActivity, recordActivity } from './activity.service.js';
import { recordableStages, recordStage, referPerson, referralCandidates, viewRecord } from './records.service.js';
import { serviceReport } from './report.service.js';
import { answerText, LEFT_REASON_LABELS, pathway, presentEntry, presentRecord, presentReport, reportCsv } from './services.presenter.js';
import * as schemas from './services.schemas.js';
import { registerServiceSettingsRoutes } from './settings.routes.js';
import { listServices, loadService, PAGE_SIZE, serviceOverview } from './services.service.js';
import { pagination } from '../../platform/pagination.js';
import { answersSchema } from './services.answers.js';
import { financialYear, financialYearOf, parseFinancialYear } from './services.periods.js';

/** The partnership's services (issue 6): list, a service's page, referrals and stages, aggregate entries, reports. */

/** A form's own fields refused together with the definition's questions, so the summary lists every problem at once. */
const allProblems = (formError: z.ZodError, answers: { success: boolean; error?: z.ZodError }) => [
  ...zodFieldErrors(formError),
  ...(answers.error ? zodFieldErrors(answers.error) : []),
];
const servicePath = (request: FastifyRequest) => `/services/${(request.params as { id: string }).id}`;

export function registerServicesModule(app: FastifyInstance): void {
  const db = app.db;
  registerServiceSettingsRoutes(app);

  page(app, {
    method: 'GET',
    url: '/services',
    access: 'aggregates:read',
    audit: 'services.list',
    handler: async ({ request, reply }) => {
      const services = await listServices(db, actorFor(request));
      return renderPage(request, reply, 'services/views/services.njk', {
        services: services.map((s) => ({
          href: `/services/${s.id}`,
          title: s.definition.title,
          provider: s.providerName,
          kind: s.definition.kind,
          capacity: s.capacity,
          waiting: s.waiting,
          inService: s.inService,
        })),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id',
    access: 'aggregates:read',
    audit: 'services.view',
    subjectType: 'service',
    params: schemas.serviceParams,
    query: schemas.pageQuery,
    handler: async ({ request, reply, params, query }) => {
      const overview = await serviceOverview(db, actorFor(request), params.id, query.page);
      const { service } = overview;
      request.audit.personalData = overview.records !== null;
      return renderPage(request, reply, 'services/views/service.njk', {
        service: { ...service.definition, id: service.id, provider: service.providerName, capacity: service.capacity, active: service.active },
        counts: overview.counts,
        provider: overview.provider,
        pathway: pathway(service.definition),
        records: overview.records?.rows.map((r) => presentRecord(service, r)) ?? null,
        entries: overview.entries?.rows.map((e) => presentEntry(service, e, overview.agencies)) ?? null,
        pagination: pagination(`/services/${service.id}`, {}, query.page, (overview.records ?? overview.entries)?.total ?? 0, PAGE_SIZE),
        reportHref: `/services/${service.id}/report`,
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/refer',
    access: 'personal-data:read',
    audit: 'services.referral.form',
    subjectType: 'service',
    personalData: true,
    params: schemas.serviceParams,
    query: schemas.caseQuery,
    handler: async ({ request, reply, params, query }) => {
      const reference = (query.case ?? '').trim();
      const found = reference ? await referralCandidates(db, actorFor(request), params.id, reference) : null;
      const caseError =
        reference && !found?.case
          ? 'No case you can see has that reference: check it and try again'
          : reference && found?.people.length === 0
            ? 'No one in that case is someone this service works with'
            : null;
      if (caseError) {
        reply.code(400);
        request.audit.outcome = 'failure';
      }
      const service = found?.service ?? (await listServices(db, actorFor(request))).find((s) => s.id === params.id);
      if (!service || service.definition.kind !== 'person') throw errors.notFound('Service');
      const values = request.session?.flash.values ?? {};
      return renderPage(request, reply, 'services/views/refer.njk', {
        service: { id: service.id, title: service.definition.title, eligibility: service.definition.eligibility },
        reference,
        case: found?.case && found.people.length ? found.case : null,
        people: (found?.people ?? []).map((p) => ({
          value: p.id,
          text: `${p.given_name} ${p.family_name}`,
          hint: { text: `${p.role}${p.date_of_birth ? `, born ${formatDate(p.date_of_birth)}` : ''}` },
          checked: values.personId === p.id,
        })),
        ...(caseError ? { errorList: [{ text: caseError, href: '#case' }], fieldErrors: { case: { text: caseError } } } : {}),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/:id/refer',
    access: 'personal-data:read',
    audit: 'services.referral.create',
    subjectType: 'service',
    params: schemas.serviceParams,
    body: schemas.referralForm,
    invalidRedirect: (request) =>
      `${servicePath(request)}/refer?case=${encodeURIComponent(String((request.body as { caseReference?: string }).caseReference ?? ''))}`,
    handler: async ({ request, reply, params, body }) => {
      const id = await referPerson(db, actorFor(request), params.id, body);
      await notice(request, 'services.referral.saved');
      return reply.redirect(`/services/${params.id}/records/${id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/records/:recordId',
    access: 'personal-data:read',
    audit: 'services.record.view',
    personalData: true,
    params: schemas.recordParams,
    handler: async ({ request, reply, params }) => {
      const { service, record, mayRecord } = await viewRecord(db, actorFor(request), params.id, params.recordId);
      const next = mayRecord && service.definition.kind === 'person' ? recordableStages(service.definition, record) : [];
      return renderPage(request, reply, 'services/views/record.njk', {
        service: { id: service.id, title: service.definition.title },
        record: presentRecord(service, record),
        actions: next.map((stage) => ({
          href: `/services/${service.id}/records/${record.id}/stages/${stage}`,
          text: service.definition.kind === 'person' ? service.definition.stages[stage]!.label : stage,
        })),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/records/:recordId/stages/:stage',
    access: 'personal-data:read',
    audit: 'services.stage.form',
    personalData: true,
    params: schemas.stageParams,
    handler: async ({ request, reply, params }) => {
      const { service, record, mayRecord } = await viewRecord(db, actorFor(request), params.id, params.recordId);
      if (!mayRecord || service.definition.kind !== 'person') throw errors.notFound('Record');
      const stage = service.definition.stages[params.stage];
      if (!stage || !recordableStages(service.definition, record).includes(params.stage)) throw errors.notFound('Stage');
      const sent = request.session?.flash.values;
      const saved = record.answers[params.stage] ?? {};
      const savedDate = params.stage === 'assessed' ? record.assessed_on : params.stage === 'started' ? record.started_on : record.ended_on;
      const [y, m, d] = (savedDate ?? '').split('-');
      const form = sent ?? {
        ...Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, String(v)])),
        ...(savedDate ? { 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y } : {}),
        leftReason: record.left_reason ?? '',
      };
      return renderPage(request, reply, 'services/views/stage.njk', {
        service: { id: service.id, title: service.definition.title },
        record: presentRecord(service, record),
        stage: { id: params.stage, ...stage },
        form,
        action: `/services/${service.id}/records/${record.id}/stages/${params.stage}`,
        leftReasons:
          params.stage === 'left_early'
            ? Object.entries(LEFT_REASON_LABELS).map(([value, text]) => ({ value, text, checked: form.leftReason === value }))
            : null,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/:id/records/:recordId/stages/:stage',
    access: 'personal-data:read',
    audit: 'services.stage.record',
    params: schemas.stageParams,
    body: schemas.anyForm,
    handler: async ({ request, reply, params, body }) => {
      const parsed = schemas.stageForm.safeParse(body);
      if (!parsed.success) {
        const service = await loadService(db, request.principal!.partnershipId, params.id);
        const questions = service.definition.kind === 'person' ? (service.definition.stages[params.stage]?.questions ?? []) : [];
        throw errors.validation(allProblems(parsed.error, answersSchema(questions).safeParse(body)));
      }
      await recordStage(db, actorFor(request), params.id, params.recordId, { stage: params.stage, ...parsed.data });
      await notice(request, 'services.stage.saved');
      return reply.redirect(`/services/${params.id}/records/${params.recordId}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/activity/new',
    access: 'personal-data:read',
    audit: 'services.activity.form',
    params: schemas.serviceParams,
    handler: async ({ request, reply, params }) => {
      const { service, agencies } = await activityFormFor(db, actorFor(request), params.id);
      return renderPage(request, reply, 'services/views/activity-form.njk', {
        service: { id: service.id, title: service.definition.title, period: service.definition.period },
        fields: service.definition.fields,
        agencies,
        form: request.session?.flash.values ?? {},
        action: `/services/${service.id}/activity`,
        today: londonToday(),
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/:id/activity',
    access: 'personal-data:read',
    audit: 'services.activity.create',
    subjectType: 'service',
    params: schemas.serviceParams,
    body: schemas.anyForm,
    invalidRedirect: (request) => `${servicePath(request)}/activity/new`,
    handler: async ({ request, reply, params, body }) => {
      const { service, agencies } = await activityFormFor(db, actorFor(request), params.id);
      const parsed = schemas.activityForm(service.definition.period).safeParse(body);
      if (!parsed.success) throw errors.validation(allProblems(parsed.error, answersSchema(service.definition.fields, agencies).safeParse(body)));
      const id = await recordActivity(db, actorFor(request), params.id, parsed.data);
      await notice(request, 'services.activity.saved');
      return reply.redirect(`/services/${params.id}/activity/${id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/activity/:entryId',
    access: 'aggregates:read',
    audit: 'services.activity.view',
    params: schemas.entryParams,
    handler: async ({ request, reply, params }) => {
      const { service, entry, history, agencies, mayCorrect } = await activityEntry(db, actorFor(request), params.id, params.entryId);
      const fields = service.definition.fields;
      const stored = Object.fromEntries(
        fields.flatMap((f) => {
          const value = entry.answers[f.id];
          if (f.kind === 'agency_counts') return Object.entries((value ?? {}) as Record<string, number>).map(([agency, n]) => [`${f.id}-${agency}`, String(n)]);
          return value === undefined ? [] : [[f.id, String(value)]];
        }),
      );
      const [y, m, d] = entry.occurred_on.split('-');
      const form = request.session?.flash.values ?? {
        ...stored,
        'occurredOn-day': String(Number(d)),
        'occurredOn-month': String(Number(m)),
        'occurredOn-year': y,
      };
      return renderPage(request, reply, 'services/views/activity.njk', {
        service: { id: service.id, title: service.definition.title, period: service.definition.period },
        entry: presentEntry(service, entry, agencies),
        history: history.map((h) => ({
          changedAt: formatDate(h.changed_at),
          changedBy: h.changed_by_name ?? translate('en', 'services.entry.changedByHarbour'),
          answers: fields.map((f) => ({ question: f.text, answer: answerText(f, (h.old_row.answers as Record<string, unknown>)[f.id], agencies) })),
          date: String(h.old_row.occurred_on),
        })),
        mayCorrect,
        fields,
        agencies,
        form,
        action: `/services/${service.id}/activity/${entry.id}`,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/services/:id/activity/:entryId',
    access: 'personal-data:read',
    audit: 'services.activity.correct',
    params: schemas.entryParams,
    body: schemas.anyForm,
    handler: async ({ request, reply, params, body }) => {
      const { service, agencies } = await activityFormFor(db, actorFor(request), params.id);
      const parsed = schemas.activityForm(service.definition.period).safeParse(body);
      if (!parsed.success) throw errors.validation(allProblems(parsed.error, answersSchema(service.definition.fields, agencies).safeParse(body)));
      await correctActivity(db, actorFor(request), params.id, params.entryId, parsed.data);
      await notice(request, 'services.activity.corrected');
      return reply.redirect(`/services/${params.id}/activity/${params.entryId}`, 303);
    },
  });

  const yearOf = (value: string | undefined) => {
    const today = londonToday();
    if (!value) return { year: financialYearOf(today), error: null };
    const year = parseFinancialYear(value);
    if (!year || year.year.from > today) return { year: financialYearOf(today), error: 'Select a financial year from the list' };
    return { year, error: null };
  };

  page(app, {
    method: 'GET',
    url: '/services/:id/report',
    access: 'aggregates:read',
    audit: 'services.report.view',
    subjectType: 'service',
    params: schemas.serviceParams,
    query: schemas.reportQuery,
    handler: async ({ request, reply, params, query }) => {
      const { year, error } = yearOf(query.year);
      if (error) {
        reply.code(400);
        request.audit.outcome = 'failure';
      }
      const report = await serviceReport(db, actorFor(request), params.id, year, 'page');
      const current = financialYearOf(londonToday()).start;
      return renderPage(request, reply, 'services/views/report.njk', {
        service: { id: report.service.id, title: report.service.definition.title, kind: report.service.definition.kind },
        report: presentReport(report),
        years: Array.from({ length: 6 }, (_, i) => financialYear(current - i)).map((y) => ({ value: y.id, text: y.id, selected: y.id === year.id })),
        csvHref: `/services/${report.service.id}/report.csv?year=${year.id}`,
        underway: year.year.to >= londonToday() ? formatDate(londonToday()) : null,
        ...(error ? { errorList: [{ text: error, href: '#year' }], fieldErrors: { year: { text: error } } } : {}),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/services/:id/report.csv',
    access: 'aggregates:read',
    audit: 'services.report.download',
    subjectType: 'service',
    params: schemas.serviceParams,
    query: schemas.reportQuery,
    handler: async ({ request, reply, params, query }) => {
      const { year, error } = yearOf(query.year);
      if (error) throw errors.validation([{ field: 'year', message: error }]);
      const report = await serviceReport(db, actorFor(request), params.id, year, 'csv');
      reply.header('content-disposition', `attachment; filename="${report.service.definition.id}-${year.id}.csv"`);
      return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
    },
  });
}
