import type { FastifyInstance } from 'fastify';
import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { page } from '../../platform/routes.js';
import { dashboard, ON_TIME_TARGET } from './dashboard.service.js';
import { percent } from './meeting-day.presenter.js';
import { DASHBOARD_PERIODS, dashboardQuery } from './meeting-day.schemas.js';

/** The coordinator's dashboard: actions on time against the target, overdue by agency, research returned (issue 5, step 5). */
export function registerDashboardRoutes(app: FastifyInstance): void {
  const db = app.db;
  const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

  page(app, {
    method: 'GET',
    url: '/marac/dashboard',
    access: 'marac:coordinate',
    audit: 'marac.dashboard.view',
    query: dashboardQuery,
    handler: async ({ request, reply, query }) => {
      const found = await dashboard(db, actorFor(request), query.period);
      const { window } = found;
      const target =
        found.met === null
          ? { text: t('marac.actions.dashboard.noVerdict'), colour: 'grey' }
          : found.met
            ? { text: t('marac.actions.dashboard.met'), colour: 'green' }
            : { text: t('marac.actions.dashboard.notMet'), colour: 'red' };
      return renderPage(request, reply, 'marac/views/dashboard.njk', {
        period: query.period,
        periods: DASHBOARD_PERIODS.map((p) => ({ value: p, text: t(`marac.actions.dashboard.periods.${p}`) })),
        window: window.from
          ? t('marac.actions.dashboard.window', { from: formatDate(window.from), to: formatDate(window.today) })
          : t('marac.actions.dashboard.windowAll', { to: formatDate(window.today) }),
        onTime: percent(found.onTime),
        target,
        targetPercent: ON_TIME_TARGET,
        agencies: found.agencies.map((a) => ({
          name: a.agency_name,
          counted: a.counted,
          onTime: percent(a.rate),
          doneLate: a.done_late + a.open_overdue,
          overdueNow: a.overdue_now,
        })),
        research: found.research.map((r) => ({ name: r.agency_name, meetings: r.meetings, returned: percent(r.rate) })),
      });
    },
  });
}
