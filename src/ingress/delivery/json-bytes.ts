/**
 * Two reads of a JSON body as the bytes that arrived, without building it: how deep it nests, and
 * the same bytes without some members. Both loop (no recursion), so no nesting makes them overflow
 * the stack, and neither decodes text, so bytes that are not UTF-8 stay exactly as they were.
 * Only meaningful for valid JSON: callers check with JSON.parse first.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Just past the closing quote of the string that opens at `start`. */
function stringEnd(bytes: Uint8Array, start: number): number {
  let i = start + 1;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    if (byte === BACKSLASH) i += 2;
    else if (byte === QUOTE) return i + 1;
    else i++;
  }
  return bytes.length;
}

/**
 * Whether the body could nest deeper than `limit` at all: no value sits in more objects and arrays
 * than the body has `{` and `[` bytes (those in strings too, so the count is an upper bound).
 * Counted with the native indexOf, it spares most bodies nestingDepth's byte-by-byte walk.
 */
export function mayNestDeeperThan(bytes: Buffer, limit: number): boolean {
  let opens = 0;
  for (const open of [OPEN_OBJECT, OPEN_ARRAY]) {
    for (let i = bytes.indexOf(open); i !== -1; i = bytes.indexOf(open, i + 1)) {
      if (++opens > limit) return true;
    }
  }
  return false;
}

/** How many objects and arrays the deepest value sits in (`1` is 1; `{"a":[1]}` is 2). */
export function nestingDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) i = stringEnd(bytes, i) - 1;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) deepest = Math.max(deepest, ++depth);
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

/** A step into a document: a member name, or 0 for "any element of this array". */
type Step = string | 0;

/** `value[].clientState` → ["value", 0, "clientState"] (see jsonPath in the manifest schema). */
function stepsOf(path: string): Step[] {
  return path.split('.').flatMap((segment): Step[] => {
    if (segment === '[]') return [0];
    return segment.endsWith('[]') ? [segment.slice(0, -2), 0] : [segment];
  });
}

const keyOf = (steps: readonly Step[]) => JSON.stringify(steps);

interface Member {
  start: number;
  end: number;
  remove: boolean;
}

interface Frame {
  array: boolean;
  /** Where this container is (a prefix of some listed path: others are not tracked). */
  path: Step[];
  /** Objects: the member being read (its name, where its name starts), and those read so far. */
  name: string | null;
  start: number;
  members: Member[];
}

/**
 * The bytes without the object members at `paths` (manifest JSON paths, each naming a member:
 * `value[].clientState` removes `clientState` from every element of `value`), commas mended, every
 * other byte as it arrived; `removed` counts the members taken out (a name given twice is removed
 * twice). With nothing to remove, the same bytes.
 */
export function withoutMembers(bytes: Buffer, paths: readonly string[]): { bytes: Buffer; removed: number } {
  if (paths.length === 0) return { bytes, removed: 0 };
  const targets = new Set<string>();
  const prefixes = new Set<string>();
  for (const path of paths) {
    const steps = stepsOf(path);
    targets.add(keyOf(steps));
    for (let length = 0; length < steps.length; length++) prefixes.add(keyOf(steps.slice(0, length)));
  }

  const ranges: Array<[number, number]> = [];
  let removed = 0;
  const stack: Frame[] = [];
  // Containers entered inside one no listed path goes into: only counted, never looked into.
  let untracked = 0;
  // Just past the last byte of the last token read: where a member ends when a , or } follows.
  let lastEnd = 0;
  const endMember = (frame: Frame) => {
    if (frame.name === null) return;
    const remove = targets.has(keyOf([...frame.path, frame.name]));
    frame.members.push({ start: frame.start, end: lastEnd, remove });
    frame.name = null;
  };

  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (isWhitespace(byte) || byte === COLON) continue;
    const top = stack.at(-1);
    if (byte === QUOTE) {
      const end = stringEnd(bytes, i);
      if (
        untracked === 0 &&
        top &&
        !top.array &&
        top.name === null &&
        bytes[nextToken(bytes, end)] === COLON
      ) {
        top.name = JSON.parse(bytes.subarray(i, end).toString('utf8')) as string;
        top.start = i;
      }
      i = end - 1;
      lastEnd = end;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      const path: Step[] | null =
        untracked > 0 ? null : top ? [...top.path, top.array ? 0 : (top.name ?? '')] : [];
      if (path === null || !prefixes.has(keyOf(path))) untracked++;
      else stack.push({ array: byte === OPEN_ARRAY, path, name: null, start: -1, members: [] });
      lastEnd = i + 1;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (untracked > 0) untracked--;
      else {
        const frame = stack.pop();
        if (frame && !frame.array) {
          endMember(frame);
          removed += removals(frame.members, ranges);
        }
      }
      lastEnd = i + 1;
    } else if (byte === COMMA) {
      if (untracked === 0 && top && !top.array) endMember(top);
    } else {
      lastEnd = i + 1;
    }
  }
  if (removed === 0) return { bytes, removed };
  return { bytes: spliced(bytes, ranges), removed };
}

function nextToken(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && isWhitespace(bytes[i]!)) i++;
  return i;
}

/**
 * The byte ranges that take an object's marked members out and leave valid JSON: a member after a
 * kept one goes with the comma before it; a member before any kept one, with the comma after it.
 */
function removals(members: readonly Member[], ranges: Array<[number, number]>): number {
  let count = 0;
  let lastKept: Member | undefined;
  members.forEach((member, index) => {
    if (!member.remove) {
      lastKept = member;
      return;
    }
    count++;
    const next = members[index + 1];
    if (lastKept) ranges.push([lastKept.end, member.end]);
    else ranges.push([member.start, next ? next.start : member.end]);
  });
  return count;
}

function spliced(bytes: Buffer, ranges: Array<[number, number]>): Buffer {
  ranges.sort((a, b) => a[0] - b[0]);
  const kept: Buffer[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) kept.push(bytes.subarray(at, start));
    at = Math.max(at, end);
  }
  kept.push(bytes.subarray(at));
  return Buffer.concat(kept);
}
