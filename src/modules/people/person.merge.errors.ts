import { formatDate } from '../../platform/format.js';
import { errors, HarbourError } from '../../platform/errors.js';

/** A refusal shown at the top of the page the user came from (it belongs to no one field). */
function refused(code: string, message: string): HarbourError {
  return new HarbourError(code, 409, message, [{ field: 'form', message }]);
}

/** Why a merge, or undoing one, was refused; stable codes, GOV.UK wording. */
export const mergeErrors = {
  samePerson: () => new HarbourError('merge_same_person', 400, 'Choose a different record: a record cannot be merged into itself'),
  changedSincePreview: () => errors.conflict('One of these records changed after you checked them. Check the records as they are now, then merge them again.'),
  /** A case holding both people would end up holding one person twice, in two roles: the case must be put right first. */
  sharedCase: (references: (string | null)[]) => {
    const seen = references.filter((r): r is string => r !== null);
    const where = seen.length ? `case ${seen.join(', case ')}` : 'a case you cannot see';
    const hidden = seen.length && seen.length < references.length ? ' and on a case you cannot see' : '';
    return refused(
      'merge_shared_case',
      `You cannot merge these records because both people are on ${where}${hidden}. Remove one of them from the case first, or ask the agency that owns the case to check it.`,
    );
  },
  tooLateToUndo: (mergedAt: Date, days: number) =>
    refused(
      'merge_undo_too_late',
      `This merge was made on ${formatDate(mergedAt)}, more than ${days} days ago, so it can no longer be undone. To separate the records now, record the other person again and move their details to the new record.`,
    ),
  undoLaterMergeFirst: () =>
    refused('merge_undo_later_merge_first', 'The record this was merged into has since been merged into another. Undo that merge first.'),
};
