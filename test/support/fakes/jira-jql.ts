/**
 * The slice of JQL the Jira fake understands: clauses joined by AND (each may sit in parentheses),
 * `project = KEY`, `project in ("A", "B")`, `updated >= "yyyy-MM-dd HH:mm"` (or `yyyy/MM/dd`),
 * and `ORDER BY updated ASC|DESC`. Date literals are wall times in the searching user's time
 * zone, as Jira reads them. Anything else is refused, so a connector cannot rely on more.
 */
export interface JqlQuery {
  projects: string[] | null;
  updatedFrom: number | null;
  order: 'ASC' | 'DESC' | null;
}

export class JqlError extends Error {}

/** The instant a wall time in `timeZone` names (the later one when a clock change repeats it). */
export function wallTimeToInstant(wall: string, timeZone: string): number {
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(wall);
  if (!match) throw new JqlError(`Date value '${wall}' for field 'updated' is invalid.`);
  const [, y, mo, d, h = '0', mi = '0'] = match;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  let instant = asUtc - offsetOf(asUtc, timeZone);
  instant = asUtc - offsetOf(instant, timeZone);
  return instant;
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
export function offsetOf(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

const stripParens = (clause: string): string => {
  let text = clause.trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  return text;
};

export function parseJql(jql: string, timeZone: string): JqlQuery {
  const [where = '', orderBy] = jql.split(/\s+ORDER\s+BY\s+|^ORDER\s+BY\s+/i);
  const query: JqlQuery = { projects: null, updatedFrom: null, order: null };
  if (orderBy !== undefined) {
    const order = /^updated(?:\s+(ASC|DESC))?\s*$/i.exec(orderBy.trim());
    if (!order) throw new JqlError(`The fake orders by updated only, not '${orderBy.trim()}'.`);
    query.order = (order[1]?.toUpperCase() as 'ASC' | 'DESC' | undefined) ?? 'ASC';
  }
  if (where.trim() === '') {
    throw new JqlError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  for (const raw of where.split(/\s+AND\s+/i)) {
    const clause = stripParens(raw);
    const single = /^project\s*=\s*"?([A-Z][A-Z0-9_]*)"?$/i.exec(clause);
    const list = /^project\s+in\s*\(([^)]*)\)$/i.exec(clause);
    const updated = /^updated\s*>=\s*"([^"]+)"$/i.exec(clause);
    if (single) query.projects = [single[1] as string];
    else if (list)
      query.projects = (list[1] as string).split(',').map((key) => key.trim().replace(/^"|"$/g, ''));
    else if (updated) query.updatedFrom = wallTimeToInstant(updated[1] as string, timeZone);
    else throw new JqlError(`Error in the JQL Query: the fake does not understand '${clause}'.`);
  }
  return query;
}
