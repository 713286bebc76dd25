import type { FastifyInstance, FastifyRequest } from 'fastify';
import { translate } from '../../platform/i18n.js';
import { renderPage, sentValues } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { api, page, requireUser } from '../../platform/routes.js';
import { tokenActor } from '../people/people.api.token.js';
import { LAWFUL_BASES } from '../referrals/referral.codes.js';
import { referralLabel } from '../referrals/referral.presenter.js';
import { idParams } from './marac.schemas.js';
import { presentContents, presentReceived, presentTransferRow } from './transfer.presenter.js';
import { CONSENT_REASON_MAX, exportForm, importedSchema, importForm, packetBody, REASON_MAX, TO_MAX } from './transfer.schemas.js';
import { exportPacket, exportPage, importPacket, keysPage, listTransfers, transferPage, type Importer } from './transfer.service.js';

export const TRANSFER_SCOPE = 'marac:transfers';

/**
 * A service step that wrote audit events inside a transaction that then rolled back leaves the request marked as
 * audited: unmark it, so the request's own event records the failure (with its reason, for the API).
 */
async function auditedFailure<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    request.audit.recorded = false;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') request.audit.details = { ...request.audit.details, error: code };
    throw error;
  }
}

/** MARAC-to-MARAC transfers (issue 5): export a signed packet, import one, the trusted keys; and the API. */
export function registerTransferRoutes(app: FastifyInstance): void {
  const db = app.db;
  const signingKey = () => app.config.transferSigningKey;

  page(app, {
    method: 'GET',
    url: '/marac/transfers',
    access: 'marac:coordinate',
    audit: 'marac.transfer.list',
    personalData: true,
    handler: async ({ request, reply }) => {
      const rows = await listTransfers(db, actorFor(request));
      return renderPage(request, reply, 'marac/views/transfers.njk', { transfers: rows.map(presentTransferRow) });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/transfers/import',
    access: 'marac:coordinate',
    audit: 'marac.transfer.import_form',
    handler: async ({ request, reply }) => renderPage(request, reply, 'marac/views/transfer-import.njk'),
  });

  page(app, {
    method: 'POST',
    url: '/marac/transfers/import',
    access: 'marac:coordinate',
    audit: 'marac.transfer.import',
    body: importForm,
    handler: async ({ request, reply, body }) => {
      const actor = actorFor(request);
      const viewer = requireUser(request);
      const importer: Importer = { actor, people: actor, viewer, userId: viewer.userId };
      const done = await auditedFailure(request, () => importPacket(db, importer, body.packet));
      await app.sessions.setFlash(request.session!.idHash, {
        notice: translate('en', 'marac.transfers.imported', { case: done.caseReference, referral: done.referralReference }),
      });
      return reply.redirect(`/marac/transfers/${done.transferId}`, 303);
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/transfers/keys',
    access: 'marac:coordinate',
    audit: 'marac.transfer.keys',
    handler: async ({ request, reply }) => {
      const found = await keysPage(db, actorFor(request), signingKey());
      return renderPage(request, reply, 'marac/views/transfer-keys.njk', {
        own: found.own,
        trusted: found.trusted.map((k) => ({
          name: k.name,
          keyId: k.key_id,
          added: translate('en', 'marac.transfers.keys.addedOn', { date: k.added_at.toISOString().slice(0, 10) }),
          revoked: k.revoked_at !== null,
        })),
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/transfers/:id',
    subjectType: 'marac_transfer',
    access: 'marac:coordinate',
    audit: 'marac.transfer.view',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await transferPage(db, actorFor(request), params.id);
      return renderPage(request, reply, 'marac/views/transfer.njk', {
        transfer: {
          ...presentTransferRow(found.transfer),
          reason: found.transfer.reason,
          packetId: found.transfer.packet_id,
          sha256: found.transfer.payload_sha256,
          keyId: found.transfer.key_id,
          incoming: found.transfer.direction === 'in',
        },
        received: found.received ? presentReceived(found.received) : null,
      });
    },
  });

  page(app, {
    method: 'GET',
    url: '/marac/cases/:id/transfer',
    subjectType: 'case',
    access: 'marac:coordinate',
    audit: 'marac.transfer.export_form',
    personalData: true,
    params: idParams,
    handler: async ({ request, reply, params }) => {
      const found = await exportPage(db, actorFor(request), params.id, signingKey());
      const values = sentValues(request);
      return renderPage(request, reply, 'marac/views/transfer-export.njk', {
        theCase: { id: found.theCase.id, reference: found.theCase.reference },
        contents: presentContents(found.contents),
        keyConfigured: found.keyConfigured,
        form: values,
        lawfulBases: [
          { value: '', text: translate('en', 'referrals.form.chooseLawfulBasis') },
          ...LAWFUL_BASES.map((value) => ({ value, text: referralLabel.lawfulBasis(value) })),
        ],
        limits: { to: TO_MAX, reason: REASON_MAX, consentReason: CONSENT_REASON_MAX },
      });
    },
  });

  page(app, {
    method: 'POST',
    url: '/marac/cases/:id/transfer',
    subjectType: 'case',
    access: 'marac:coordinate',
    audit: 'marac.transfer.export',
    params: idParams,
    body: exportForm,
    handler: async ({ request, reply, params, body }) => {
      const { file, filename } = await auditedFailure(request, () => exportPacket(db, actorFor(request), params.id, body.transfer, signingKey()));
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(file);
    },
  });

  // The API reads the packet as text, so a body that is not JSON is refused with its reason (malformed_json), like the page.
  void app.register(async (scoped) => {
    scoped.removeContentTypeParser(['application/json']);
    scoped.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    api(scoped, {
      method: 'POST',
      url: '/api/v1/marac/transfers',
      scope: TRANSFER_SCOPE,
      audit: 'marac.transfer.import',
      personalData: true,
      summary:
        'Import a signed MARAC transfer packet from another partnership: a new case with its victim, perpetrators and children, and a transfer-in MARAC referral awaiting screening.',
      tags: ['MARAC'],
      body: packetBody,
      problems: {
        422: 'The packet is refused; code says why: malformed_json, unknown_format, unsupported_version, malformed_packet, unknown_key, revoked_key, bad_signature (changed since it was signed), invalid_payload, already_imported',
      },
      response: { status: 201, schema: importedSchema, description: 'The packet was imported' },
      handler: async ({ request, body }) => {
        const people = tokenActor(request, TRANSFER_SCOPE);
        const importer: Importer = { actor: actorFor(request), people, viewer: people.principal, userId: null };
        return auditedFailure(request, () => importPacket(db, importer, body));
      },
    });
  });
}
