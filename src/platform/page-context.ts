import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from './permissions.js';
import { renderView } from './views.js';
import { translate } from './i18n.js';

type NavItem = { href: string; key: string; permission: Permission | 'signed-in' };

/** Service navigation: each user sees only what their roles allow. */
const NAVIGATION: NavItem[] = [
  { href: '/', key: 'nav.home', permission: 'signed-in' },
  { href: '/people/search', key: 'nav.search', permission: 'personal-data:read' },
  { href: '/people', key: 'nav.people', permission: 'personal-data:read' },
  { href: '/cases', key: 'nav.cases', permission: 'personal-data:read' },
  { href: '/referrals/screening', key: 'referrals.nav.screening', permission: 'referrals:screen' },
  { href: '/marac', key: 'marac.nav.meetings', permission: 'personal-data:read' },
  { href: '/marac/actions', key: 'marac.actions.nav', permission: 'personal-data:read' },
  { href: '/marac/transfers', key: 'marac.transfers.nav', permission: 'marac:coordinate' },
  { href: '/casework', key: 'casework.nav', permission: 'casework:work' },
  { href: '/services', key: 'services.nav', permission: 'aggregates:read' },
  { href: '/admin/agencies', key: 'nav.agencies', permission: 'agencies:manage' },
  { href: '/admin/users', key: 'nav.users', permission: 'users:manage' },
  { href: '/admin/audit', key: 'nav.audit', permission: 'audit:read' },
  { href: '/admin/settings', key: 'nav.settings', permission: 'settings:manage' },
];

function navigationFor(request: FastifyRequest) {
  const principal = request.principal;
  if (!principal || principal.kind !== 'user') return [];
  const path = request.url.split('?')[0] ?? '/';
  const items = NAVIGATION.filter((item) => item.permission === 'signed-in' || principal.permissions.has(item.permission));
  // The most specific item under which this page sits is the current one ("/people/search" over "/people").
  const matches = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  const current = items.filter((item) => matches(item.href)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({ href: item.href, text: translate('en', item.key), active: item === current }));
}

/** Renders a page with what every layout needs; reads and clears the session's flash (errors and typed values). */
export async function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown> = {}): Promise<FastifyReply> {
  const flash = request.session?.flash ?? {};
  if (request.session && Object.keys(flash).length > 0) {
    await request.server.sessions.setFlash(request.session.idHash, {});
  }
  const fieldErrors = Object.fromEntries((flash.errors ?? []).map((e) => [e.field, { text: e.message }]));
  // A form-wide error (an edit conflict, a hidden field) has no field to link to: the summary shows it as text.
  const errorList = (flash.errors ?? []).map((e) => ({
    text: e.message,
    href: e.field === 'version' || e.field === 'form' ? undefined : `#${e.field.replace(/\./g, '-')}`,
  }));
  const principal = request.principal?.kind === 'user' ? request.principal : null;
  const html = await renderView(request.server.views, template, {
    cspNonce: request.cspNonce,
    csrfToken: request.session?.csrfToken ?? '',
    partnershipName: request.server.config.partnershipName,
    currentUser: principal && { displayName: principal.displayName, agencyName: principal.agencyName, email: principal.email },
    navigation: navigationFor(request),
    errorList,
    fieldErrors,
    values: flash.values ?? {},
    notice: flash.notice,
    officialSensitive: request.audit?.personalData ?? false,
    ...context,
  });
  return reply.type('text/html; charset=utf-8').send(html);
}

/** Shows a notice (a locale key's text) on the next page, after a Post/Redirect/Get. */
export function notice(request: FastifyRequest, key: string, params?: Record<string, string | number>): Promise<void> {
  return request.server.sessions.setFlash(request.session!.idHash, { notice: translate('en', key, params) });
}

/** What was typed in the form just refused, to fill it again (Post/Redirect/Get). */
export function sentValues(request: FastifyRequest): Record<string, unknown> {
  return request.session?.flash.values ?? {};
}
