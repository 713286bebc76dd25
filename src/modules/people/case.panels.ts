import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import type { UserPrincipal } from '../../platform/principal.js';

/**
 * A section another module adds to the case page (risk history, incidents, referrals…), so the people module
 * does not need to know them. `load` runs with the case already found visible; a panel with nothing to show
 * returns null. Its template receives `panel` (what load returned) and `caseId`.
 */
export type CasePanel = {
  id: string;
  template: string;
  load(db: Db, viewer: UserPrincipal, caseId: string): Promise<Record<string, unknown> | null>;
};

declare module 'fastify' {
  interface FastifyInstance {
    casePanels: CasePanel[];
  }
}

export function setUpCasePanels(app: FastifyInstance): void {
  app.decorate('casePanels', []);
}

/** Panels appear in the order modules add them, between the case's people and its timeline. */
export function addCasePanel(app: FastifyInstance, panel: CasePanel): void {
  app.casePanels.push(panel);
}

export async function loadCasePanels(app: FastifyInstance, viewer: UserPrincipal, caseId: string) {
  const loaded = await Promise.all(app.casePanels.map(async (p) => ({ id: p.id, template: p.template, data: await p.load(app.db, viewer, caseId) })));
  return loaded.filter((p) => p.data !== null);
}
