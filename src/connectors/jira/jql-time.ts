/**
 * JQL date literals (`"yyyy-MM-dd HH:mm"`) are wall times in the time zone of the user who runs
 * the search, to the minute. A cursor instant must be written in that zone, and truncated to its
 * minute, so that `updated >= literal` reads that whole minute again (what was updated in the
 * same minute after the last listing is not lost; what was already stored hashes the same).
 */

/**
 * The westernmost offset in use (UTC−12). A wall time written here names an instant at or before
 * the cursor in every zone, so an unknown zone can only make a listing read more, never less.
 */
export const SAFEST_TIME_ZONE = 'Etc/GMT+12';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `instant` as a JQL date literal in `timeZone` (an IANA name); an unknown zone falls back to the safest. */
export function jqlMinute(instant: Date, timeZone: string | null): string {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = formatterFor(timeZone ?? SAFEST_TIME_ZONE);
  } catch {
    formatter = formatterFor(SAFEST_TIME_ZONE);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
