/** The safe-contact rules on a person's record (DOMAIN.md §6): what any contact with them must respect. */
export type SafeContact = {
  voicemail_allowed: 'yes' | 'no' | 'not_known';
  safe_times: string | null;
  do_not_write_home: boolean;
  code_word: string | null;
};

const SAFE_TIMES_MAX = 500;
const CODE_WORD_MAX = 100;

/** Both texts when they differ (so neither agency's arrangement is lost), within the field's limit; else the kept one. */
function both(kept: string | null, merged: string | null, max: number): string | null {
  if (!kept || !merged || kept === merged) return kept ?? merged;
  const joined = `${kept}; ${merged}`;
  return joined.length <= max ? joined : kept;
}

/**
 * The rules of two records of one person, merged: the more protective wins. A voicemail may be left only if both
 * records allow it; "do not write to home address" from either holds; safe times and code words from both are kept.
 */
export function mergeSafeContact(kept: SafeContact, merged: SafeContact): SafeContact {
  const voicemail =
    kept.voicemail_allowed === 'no' || merged.voicemail_allowed === 'no'
      ? 'no'
      : kept.voicemail_allowed === 'yes' && merged.voicemail_allowed === 'yes'
        ? 'yes'
        : 'not_known';
  return {
    voicemail_allowed: voicemail,
    safe_times: both(kept.safe_times, merged.safe_times, SAFE_TIMES_MAX),
    do_not_write_home: kept.do_not_write_home || merged.do_not_write_home,
    code_word: both(kept.code_word, merged.code_word, CODE_WORD_MAX),
  };
}

export function safeContactOf(row: SafeContact): SafeContact {
  return { voicemail_allowed: row.voicemail_allowed, safe_times: row.safe_times, do_not_write_home: row.do_not_write_home, code_word: row.code_word };
}

export function sameSafeContact(a: SafeContact, b: SafeContact): boolean {
  return JSON.stringify(safeContactOf(a)) === JSON.stringify(safeContactOf(b));
}
