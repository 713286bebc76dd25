import type { Db } from '../../db/database.js';
import type { Actor } from '../../platform/request-context.js';
import type { Viewer } from './people.policy.js';
import type { PersonForm } from './person.schemas.js';
import { viewerOf, type PeopleDeps } from './person.service.js';
import type { DuplicateCandidate } from './search.repository.js';
import { duplicateCandidates } from './search.service.js';

export type DuplicateProbeSet = {
  names: { givenName: string; familyName: string }[];
  dateOfBirth: string | null;
  phones: string[];
  postcode: string | null;
  /** The record being checked, if it is already on Harbour: it is not its own duplicate. */
  exceptId?: string;
};

const MAX_CANDIDATES = 10;

/**
 * Records the viewer may see that are probably this person, checked under every name given (a previous name or
 * a "known as" finds a record as well as the legal name). A record found under several names keeps every reason.
 * Visibility is part of each query, so nothing here can reveal a record the viewer may not see.
 */
export async function candidatesFor(db: Db, viewer: Viewer, probe: DuplicateProbeSet): Promise<DuplicateCandidate[]> {
  const found = new Map<string, DuplicateCandidate>();
  for (const name of probe.names) {
    if (!name.familyName) continue; // a family name is what the checks start from
    const matches = await duplicateCandidates(db, viewer, { ...name, dateOfBirth: probe.dateOfBirth, phones: probe.phones, postcode: probe.postcode });
    for (const match of matches) {
      if (match.id === probe.exceptId) continue;
      const seen = found.get(match.id);
      found.set(match.id, seen ? { ...seen, score: Math.max(seen.score, match.score), reasons: [...new Set([...seen.reasons, ...match.reasons])] } : match);
    }
  }
  return [...found.values()].sort((x, y) => y.reasons.length - x.reasons.length || y.score - x.score).slice(0, MAX_CANDIDATES);
}

/** Likely existing records of the person a user is about to record, from what they typed. */
export async function candidatesForNewPerson(deps: PeopleDeps, actor: Actor, form: PersonForm): Promise<DuplicateCandidate[]> {
  const viewer = viewerOf(actor);
  return candidatesFor(deps.db, viewer, { names: form.names, dateOfBirth: form.dateOfBirth, phones: [], postcode: null });
}

/** How many records were offered and why, never who: the audit log is read more widely than the records. */
export function candidateCounts(candidates: DuplicateCandidate[]): Record<string, unknown> {
  const reasons: Record<string, number> = {};
  for (const reason of candidates.flatMap((c) => c.reasons)) reasons[reason] = (reasons[reason] ?? 0) + 1;
  return { candidates: candidates.length, reasons };
}

/** The user was shown possible existing records before recording someone new. */
export async function recordCandidatesShown(deps: PeopleDeps, actor: Actor, candidates: DuplicateCandidate[]): Promise<void> {
  await actor.record(deps.db, { action: 'person.duplicates.shown', outcome: 'success', details: candidateCounts(candidates) });
}
