import type { FastifyInstance } from 'fastify';
import { errors } from '../../platform/errors.js';
import { createMailer } from '../../platform/mail.js';
import { translate } from '../../platform/i18n.js';
import { renderPage } from '../../platform/page-context.js';
import { pagination } from '../../platform/pagination.js';
import { ROLES } from '../../platform/permissions.js';
import { actorFor } from '../../platform/request-context.js';
import { page, requireUser } from '../../platform/routes.js';
import { agencyEditForm, agencyForm, AGENCY_TYPES, auditQuery, idParams, listQuery, userActionForm, userEditForm, userForm } from './admin.schemas.js';
import { agencyTypeLabel, dateParts, presentAgency, presentUser, roleLabel, userStatus } from './admin.presenter.js';
import { presentAuditEvent } from './audit-log.presenter.js';
import * as repo from './admin.repository.js';
import * as admin from './admin.service.js';
import { registerSettingsRoutes } from './settings.routes.js';

export function registerAdminModule(app: FastifyInstance): void {
  registerSettingsRoutes(app);
  const deps = { db: app.db, config: app.config, mailer: createMailer(app.config) };
  const typeItems = AGENCY_TYPES.map((type) => ({ value: type, text: agencyTypeLabel(type) }));
  const roleItems = ROLES.map((role) => ({ value: role, text: roleLabel(role), hint: { text: translate('en', `role.${role}.hint`) } }));

  async function agencyFormPage(
    request: Parameters<typeof renderPage>[0],
    reply: Parameters<typeof renderPage>[1],
    agency: Awaited<ReturnType<typeof repo.findAgency>> | null,
  ) {
    const partnershipId = requireUser(request).partnershipId;
    const areas = await repo.listAreas(app.db, partnershipId);
    return renderPage(request, reply, 'admin/views/agency-form.njk', {
      agency: agency && {
        id: agency.id,
        code: agency.code,
        name: agency.name,
        type: agency.type,
        areaId: agency.area_id ?? '',
        version: agency.version,
        isaSigned: dateParts(agency.isa_signed_on),
        isaExpires: dateParts(agency.isa_expires_on),
        active: agency.active,
      },
      typeItems,
      areaItems: [{ value: '', text: 'No single area (partnership-wide)' }, ...areas.map((a) => ({ value: a.id, text: a.name }))],
    });
  }

  page(app, {
    method: 'GET',
    url: '/admin/agencies',
    access: 'agencies:manage',
    audit: 'agency.list',
    handler: async ({ request, reply }) => {
      const rows = await repo.listAgencies(app.db, requireUser(request).partnershipId);
      return renderPage(request, reply, 'admin/views/agencies.njk', { agencies: rows.map(presentAgency) });
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/agencies/new',
    access: 'agencies:manage',
    audit: 'agency.create.view',
    handler: async ({ request, reply }) => agencyFormPage(request, reply, null),
  });

  page(app, {
    method: 'POST',
    url: '/admin/agencies',
    access: 'agencies:manage',
    audit: 'agency.create',
    body: agencyForm,
    invalidRedirect: () => '/admin/agencies/new',
    handler: async ({ request, reply, body }) => {
      await admin.createAgency(deps, actorFor(request), body);
      await app.sessions.setFlash(request.session!.idHash, { notice: `Agency ${body.name} added` });
      return reply.redirect('/admin/agencies', 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/agencies/:id/edit',
    subjectType: 'agency',
    access: 'agencies:manage',
    audit: 'agency.update.view',
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const agency = await repo.findAgency(app.db, requireUser(request).partnershipId, params.id);
      if (!agency) throw errors.notFound('Agency');
      return agencyFormPage(request, reply, agency);
    },
  });

  page(app, {
    method: 'POST',
    url: '/admin/agencies/:id',
    subjectType: 'agency',
    access: 'agencies:manage',
    audit: 'agency.update',
    params: idParams,
    body: agencyEditForm,
    invalidRedirect: (request) => `/admin/agencies/${(request.params as { id: string }).id}/edit`,
    handler: async ({ request, reply, params, body }) => {
      await admin.updateAgency(deps, actorFor(request), params.id, body.version, body);
      await app.sessions.setFlash(request.session!.idHash, { notice: `Agency ${body.name} updated` });
      return reply.redirect('/admin/agencies', 303);
    },
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    page(app, {
      method: 'POST',
      url: `/admin/agencies/:id/${action}`,
      subjectType: 'agency',
      access: 'agencies:manage',
      audit: `agency.${action}`,
      params: idParams,
      body: userActionForm,
      invalidRedirect: (request) => `/admin/agencies/${(request.params as { id: string }).id}/edit`,
      handler: async ({ request, reply, params, body }) => {
        await admin.setAgencyActive(deps, actorFor(request), params.id, body.version, active);
        await app.sessions.setFlash(request.session!.idHash, { notice: active ? 'Agency reactivated' : 'Agency deactivated' });
        return reply.redirect('/admin/agencies', 303);
      },
    });
  }

  page(app, {
    method: 'GET',
    url: '/admin/users',
    access: 'users:manage',
    audit: 'user.list',
    personalData: true,
    query: listQuery,
    handler: async ({ request, reply, query }) => {
      const partnershipId = requireUser(request).partnershipId;
      const [{ rows, total }, agencies] = await Promise.all([
        repo.listUsers(app.db, partnershipId, { page: query.page, agencyId: query.agency }),
        repo.listAgencies(app.db, partnershipId),
      ]);
      return renderPage(request, reply, 'admin/views/users.njk', {
        users: rows.map(presentUser),
        total,
        agencyItems: [{ value: '', text: 'All agencies' }, ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === query.agency }))],
        pagination: pagination('/admin/users', { agency: query.agency }, query.page, total, repo.PAGE_SIZE),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/users/new',
    access: 'users:manage',
    audit: 'user.create.view',
    handler: async ({ request, reply }) => {
      const agencies = await repo.listAgencies(app.db, requireUser(request).partnershipId);
      return renderPage(request, reply, 'admin/views/user-form.njk', {
        agencyItems: [{ value: '', text: 'Select an agency' }, ...agencies.filter((a) => a.active).map((a) => ({ value: a.id, text: a.name }))],
        roleItems,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/admin/users',
    access: 'users:manage',
    audit: 'user.create',
    body: userForm,
    invalidRedirect: () => '/admin/users/new',
    handler: async ({ request, reply, body }) => {
      const invitation = await admin.createUser(deps, actorFor(request), body);
      await app.sessions.setFlash(request.session!.idHash, {
        notice: `${body.displayName} added`,
        values: { invitationLink: invitation.emailed ? undefined : invitation.link, emailed: invitation.emailed },
      });
      return reply.redirect(`/admin/users/${invitation.userId}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/users/:id',
    subjectType: 'user',
    access: 'users:manage',
    audit: 'user.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const user = await repo.findUser(app.db, requireUser(request).partnershipId, params.id);
      if (!user) throw errors.notFound('User');
      return renderPage(request, reply, 'admin/views/user.njk', {
        user: {
          ...presentUser(user),
          version: user.version,
          active: user.active,
          hasPassword: user.has_password,
          mfaEnrolled: Boolean(user.mfa_enrolled_at),
          locked: userStatus(user).text === 'Locked',
          isSelf: user.id === requireUser(request).userId,
        },
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/users/:id/edit',
    subjectType: 'user',
    access: 'users:manage',
    audit: 'user.update.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const partnershipId = requireUser(request).partnershipId;
      const [user, agencies] = await Promise.all([repo.findUser(app.db, partnershipId, params.id), repo.listAgencies(app.db, partnershipId)]);
      if (!user) throw errors.notFound('User');
      return renderPage(request, reply, 'admin/views/user-edit.njk', {
        user: { id: user.id, name: user.display_name, email: user.email, agencyId: user.agency_id, roles: user.roles, version: user.version },
        agencyItems: agencies.filter((a) => a.active || a.id === user.agency_id).map((a) => ({ value: a.id, text: a.name })),
        roleItems,
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/admin/users/:id',
    subjectType: 'user',
    access: 'users:manage',
    audit: 'user.update',
    params: idParams,
    body: userEditForm,
    invalidRedirect: (request) => `/admin/users/${(request.params as { id: string }).id}/edit`,
    handler: async ({ request, reply, params, body }) => {
      await admin.updateUser(deps, actorFor(request), params.id, body);
      await app.sessions.setFlash(request.session!.idHash, { notice: `${body.displayName} updated` });
      return reply.redirect(`/admin/users/${params.id}`, 303);
    },
  });

  const userActions = {
    deactivate: { run: admin.deactivateUser, notice: 'User deactivated and signed out everywhere' },
    reactivate: { run: admin.reactivateUser, notice: 'User reactivated' },
    'reset-mfa': { run: admin.resetMfa, notice: 'Authenticator reset: they will set up a new one at their next sign-in' },
    unlock: { run: admin.unlockUser, notice: 'User unlocked' },
  } as const;
  for (const [action, { run, notice }] of Object.entries(userActions)) {
    page(app, {
      method: 'POST',
      url: `/admin/users/:id/${action}`,
      subjectType: 'user',
      access: 'users:manage',
      audit: `user.${action}`,
      params: idParams,
      body: userActionForm,
      invalidRedirect: (request) => `/admin/users/${(request.params as { id: string }).id}`,
      handler: async ({ request, reply, params, body }) => {
        await run(deps, actorFor(request), params.id, body.version);
        await app.sessions.setFlash(request.session!.idHash, { notice });
        return reply.redirect(`/admin/users/${params.id}`, 303);
      },
    });
  }

  page(app, {
    method: 'POST',
    url: '/admin/users/:id/invite',
    subjectType: 'user',
    access: 'users:manage',
    audit: 'user.reinvite',
    params: idParams,
    body: userActionForm,
    invalidRedirect: (request) => `/admin/users/${(request.params as { id: string }).id}`,
    handler: async ({ request, reply, params }) => {
      const invitation = await admin.reinviteUser(deps, actorFor(request), params.id);
      await app.sessions.setFlash(request.session!.idHash, {
        notice: 'New invitation created',
        values: { invitationLink: invitation.emailed ? undefined : invitation.link, emailed: invitation.emailed },
      });
      return reply.redirect(`/admin/users/${params.id}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/admin/audit',
    access: 'audit:read',
    audit: 'audit.view',
    personalData: true,
    query: auditQuery,
    handler: async ({ request, reply, query }) => {
      const rows = await repo.listAuditEvents(app.db, requireUser(request).partnershipId, query);
      const hasNext = rows.length > repo.PAGE_SIZE;
      const params = new URLSearchParams(
        Object.entries({ action: query.action, user: query.user, subject: query.subject }).filter((e): e is [string, string] => Boolean(e[1])),
      );
      const link = (n: number) => `/admin/audit?${new URLSearchParams([...params, ['page', String(n)]]).toString()}`;
      request.audit.details = { filter: Object.fromEntries(params) };
      return renderPage(request, reply, 'admin/views/audit.njk', {
        events: rows.slice(0, repo.PAGE_SIZE).map(presentAuditEvent),
        filter: query,
        pagination:
          query.page > 1 || hasNext
            ? { previous: query.page > 1 ? { href: link(query.page - 1) } : undefined, next: hasNext ? { href: link(query.page + 1) } : undefined }
            : null,
      });
    },
  });
}
