import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderPage } from '../../platform/page-context.js';
import { actorFor } from '../../platform/request-context.js';
import { storable } from '../../platform/routes.js';
import { presentCandidate, typedFields, typedValues } from './person.duplicates.presenter.js';
import type { NewPersonForm } from './person.duplicates.schemas.js';
import { candidatesForNewPerson, recordCandidatesShown } from './person.duplicates.service.js';
import type { PeopleDeps } from './person.service.js';

/**
 * Before a new person is recorded: if records the user may see are probably the same person, the user is asked
 * "Is this person already on Harbour?" first. Nothing is stored meanwhile: the duplicates page carries what was
 * typed in hidden fields (with the CSRF token) and posts it again, with the user's answer. "Change the details"
 * takes what was typed back to the form through the session's flash, as an invalid form does.
 *
 * True when it has answered the request; false when the person should be recorded now. (Not the reply itself:
 * a Fastify reply is "thenable", so awaiting one that was returned waits for the response and yields nothing.)
 */
export async function offerDuplicates(deps: PeopleDeps, request: FastifyRequest, reply: FastifyReply, form: NewPersonForm): Promise<boolean> {
  if (form.duplicates === 'new') return false;
  const actor = actorFor(request);
  const fields = typedFields(storable(request.body));
  if (form.duplicates === 'change') {
    // Nothing is recorded; the audit says so, rather than the route's "person.create".
    await actor.record(deps.db, { action: 'person.duplicates.change', outcome: 'success' });
    await request.server.sessions.setFlash(request.session!.idHash, { values: typedValues(fields) });
    await reply.redirect('/people/new', 303);
    return true;
  }
  const candidates = await candidatesForNewPerson(deps, actor, form.person);
  if (candidates.length === 0) return false;
  await recordCandidatesShown(deps, actor, candidates);
  const legal = form.person.names.find((n) => n.isPrimary);
  await renderPage(request, reply, 'people/views/person-duplicates.njk', {
    typedName: [legal?.givenName, legal?.familyName].filter(Boolean).join(' '),
    candidates: candidates.map(presentCandidate),
    fields,
  });
  return true;
}
