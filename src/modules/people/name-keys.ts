/**
 * Normalised keys for matching people across spelling, case, accents and formatting. Stored beside the
 * values they come from (person_names, person_addresses, person_contacts) and used by search and duplicate checks.
 */

/** Letters that do not decompose into a base letter and an accent. */
const TRANSLITERATE: Record<string, string> = { ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lower case, accents removed, letters only: "O'Brien-Smyth" → "obriensmyth", "Zoë Łukasz" → "zoelukasz". */
export function nameKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[łøæœßđðþı]/g, (letter) => TRANSLITERATE[letter] ?? '')
    .replace(/[^a-z]/g, '');
}

/** Upper case with no spaces: "sw1a 1aa" → "SW1A1AA". */
export function postcodeKey(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Digits only, with the UK country code turned into a leading 0: "+44 7700 900123" → "07700900123". */
export function phoneKey(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.startsWith('44') && digits.length >= 12 ? `0${digits.slice(2)}` : digits;
}

export function emailKey(value: string): string {
  return value.trim().toLowerCase();
}
