import { formatDate } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import { recentQuarters, type Quarter } from './safelives.schemas.js';
import type { SafeLivesReturn } from './safelives.service.js';

/** The SafeLives return page's view model: the template's measures down the side, each meeting and the total across. */

const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params);

/** How many quarters the picker offers: the current one and the two years before it. */
const QUARTERS_OFFERED = 9;

export const quarterLabel = (q: Quarter) => t(`marac.safelives.quarter.${q.number}`, { year: q.year, id: q.id });

/** The picker's quarters, newest first, the one shown selected (added if older than the list). */
export function quarterItems(today: string, selected: Quarter | null) {
  const list = recentQuarters(today, QUARTERS_OFFERED);
  if (selected && !list.some((q) => q.id === selected.id)) list.push(selected);
  const items = list.map((q, i) => ({ value: q.id, text: i === 0 ? t('marac.safelives.toDate', { quarter: quarterLabel(q) }) : quarterLabel(q) }));
  return items.map((item) => ({ ...item, selected: item.value === selected?.id }));
}

export function areaItems(areas: { id: string; name: string }[], selected: string | null) {
  return [
    { value: 'all', text: t('marac.safelives.allAreas'), selected: selected === null },
    ...areas.map((a) => ({ value: a.id, text: a.name, selected: a.id === selected })),
  ];
}

/** The download links for the same choice. */
export function downloadUrl(found: Pick<SafeLivesReturn, 'quarter' | 'area'>, extension: 'csv' | 'xlsx'): string {
  const query = new URLSearchParams({ quarter: found.quarter.id });
  if (found.area) query.set('area', found.area.id);
  return `/marac/safelives-return.${extension}?${query.toString()}`;
}

/** "safelives-return-2026-Q3.csv", or with the area's code when one area is chosen. */
export function downloadName(found: Pick<SafeLivesReturn, 'quarter' | 'area'>, extension: 'csv' | 'xlsx'): string {
  const area = found.area ? `-${found.area.code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : '';
  return `safelives-return-${found.quarter.id}${area}.${extension}`;
}

export function presentReturn(found: SafeLivesReturn) {
  return {
    quarterLabel: quarterLabel(found.quarter),
    period: t(found.area ? 'marac.safelives.periodArea' : 'marac.safelives.period', {
      from: formatDate(found.quarter.from),
      to: formatDate(found.countedTo),
      area: found.area?.name ?? '',
    }),
    complete: found.complete,
    quarterEnds: formatDate(found.quarter.to),
    template: t('marac.safelives.template', { template: found.template.template, version: found.template.version }),
    meetings: found.meetings.map((m) => ({ date: formatDate(m.meetingDate), area: m.areaName })),
    rows: found.columns.map((c, i) => ({ id: c.id, heading: c.heading, counts: found.meetings.map((m) => m.counts[i]!), total: found.total[i]! })),
    csvUrl: downloadUrl(found, 'csv'),
    xlsxUrl: downloadUrl(found, 'xlsx'),
  };
}
