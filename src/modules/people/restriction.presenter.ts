import { formatDateTime } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { Viewer } from './people.policy.js';
import type { RestrictionRow } from './restriction.repository.js';

/** Who is blocked, in words: a named user with their agency, or everyone at an agency. */
export function presentRestriction(row: RestrictionRow) {
  return {
    id: row.id,
    who: row.user_name
      ? translate('en', 'restriction.user', { name: row.user_name, email: row.user_email ?? '', agency: row.user_agency_name ?? '' })
      : translate('en', 'restriction.agency', { agency: row.agency_name ?? '' }),
    reason: row.reason,
    addedBy: row.created_by_name ?? '',
    addedAt: formatDateTime(row.created_at),
    active: row.removed_at === null,
  };
}

export type PresentedRestriction = ReturnType<typeof presentRestriction>;

/** The "must not see" panel on a case or person page: active entries and the form to add one. */
export function restrictionPanel(
  viewer: Viewer,
  action: string,
  restrictions: PresentedRestriction[],
  agencies: { id: string; name: string; active: boolean }[],
) {
  return {
    action,
    restrictions: restrictions.filter((r) => r.active),
    // The viewer's own agency is left out: blocking it would lock them out too.
    agencyItems: [
      { value: '', text: translate('en', 'restriction.form.chooseAgency') },
      ...agencies.filter((a) => a.active && a.id !== viewer.agencyId).map((a) => ({ value: a.id, text: a.name })),
    ],
  };
}
