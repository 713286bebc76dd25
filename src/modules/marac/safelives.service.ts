import type { Db } from '../../db/database.js';
import { errors } from '../../platform/errors.js';
import { londonToday } from '../../platform/format.js';
import type { Actor } from '../../platform/request-context.js';
import { returnReader } from './marac.policy.js';
import { asSystem } from './meeting.service.js';
import * as repo from './safelives.repository.js';
import { SAFELIVES_TEMPLATE, type SafeLivesTemplate } from './safelives.columns.js';
import { AREA_ERROR, type Quarter } from './safelives.schemas.js';

/**
 * The SafeLives quarterly return (issue 5, DOMAIN.md §3): for a calendar quarter, the template's counts for each
 * meeting that heard a case and in total. Counts only, across every case of the partnership; every view and
 * download is audited. Definitions in docs/safelives-return.md.
 */

export type ReturnFormat = 'page' | 'csv' | 'xlsx';

export type SafeLivesReturn = {
  quarter: Quarter;
  /** The last day counted: the quarter's end, or today while the quarter is under way. */
  countedTo: string;
  complete: boolean;
  area: { id: string; code: string; name: string } | null;
  template: Pick<SafeLivesTemplate, 'template' | 'version'>;
  columns: { id: string; heading: string }[];
  meetings: repo.ReturnRow[];
  total: number[];
};

export async function listReturnAreas(db: Db, actor: Actor) {
  return repo.listAreas(db, returnReader(actor).partnershipId);
}

export async function safeLivesReturn(
  db: Db,
  actor: Actor,
  choice: { quarter: Quarter; areaId: string | null },
  format: ReturnFormat,
  today = londonToday(),
  template: SafeLivesTemplate = SAFELIVES_TEMPLATE,
): Promise<SafeLivesReturn> {
  const viewer = returnReader(actor);
  const area = choice.areaId ? await repo.findArea(db, viewer.partnershipId, choice.areaId) : null;
  if (choice.areaId && !area) throw errors.validation([{ field: 'area', message: AREA_ERROR }]);
  const countedTo = choice.quarter.to < today ? choice.quarter.to : today;
  const rows = await asSystem(db, () =>
    repo.returnRows(db, viewer.partnershipId, { from: choice.quarter.from, to: countedTo }, choice.areaId, template.columns),
  );
  const total = rows.find((r) => r.meetingId === null)!;
  await actor.record(db, {
    action: format === 'page' ? 'marac.safelives_return.view' : 'marac.safelives_return.download',
    outcome: 'success',
    details: { quarter: choice.quarter.id, areaId: area?.id ?? null, format, templateVersion: template.version, meetings: rows.length - 1 },
  });
  return {
    quarter: choice.quarter,
    countedTo,
    complete: choice.quarter.to < today,
    area: area ?? null,
    template: { template: template.template, version: template.version },
    columns: template.columns.map((c) => ({ id: c.id, heading: c.heading })),
    meetings: rows.filter((r) => r.meetingId !== null),
    total: total.counts,
  };
}
