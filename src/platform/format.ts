/** Dates and times are stored in UTC and shown in Europe/London (DESIGN.md). */
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

function toDate(value: Date | string): Date {
  // A bare calendar date (YYYY-MM-DD) is midday UTC so no time zone shifts its day.
  return value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
}

export function formatDate(value: Date | string | null | undefined): string {
  return value ? dateFormat.format(toDate(value)) : '';
}

export function formatDateTime(value: Date | string | null | undefined): string {
  return value ? dateTimeFormat.format(toDate(value)).replace(',', ' at') : '';
}

// Built once: a DateTimeFormat is costly to create (measured ~30–130 µs each, and its memory lingers).
const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's calendar date in Europe/London, as YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
  return isoDateFormat.format(now);
}

/** The calendar date `days` after (or before, if negative) an ISO date. */
export function shiftDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
