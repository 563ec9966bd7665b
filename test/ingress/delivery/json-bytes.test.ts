import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, readBody } from '../../../src/ingress/delivery/delivery-body.js';
import { mayNestDeeperThan, nestingDepth, withoutMembers } from '../../../src/ingress/delivery/json-bytes.js';
import { githubExamples } from '../../connectors/github/examples.js';

/** Deletes the member at a dotted path (`[]` spreads an array) from a parsed document. */
function deleteAt(document: unknown, segments: string[]): void {
  if (document === null || typeof document !== 'object') return;
  const [first, ...rest] = segments;
  const spread = first!.endsWith('[]');
  const key = spread ? first!.slice(0, -2) : first!;
  const record = document as Record<string, unknown>;
  if (rest.length === 0 && !spread) {
    delete record[key];
    return;
  }
  const child = record[key];
  for (const next of spread ? (Array.isArray(child) ? child : []) : [child]) deleteAt(next, rest);
}

const without = (text: string, paths: string[]) => {
  const result = withoutMembers(Buffer.from(text), paths);
  return { text: result.bytes.toString('utf8'), removed: result.removed };
};

describe('JSON bytes', () => {
  it('measures nesting without parsing, ignoring brackets inside strings', () => {
    expect(nestingDepth(Buffer.from('1'))).toBe(0);
    expect(nestingDepth(Buffer.from('{"a":[1,{"b":"[[[{{"}]}'))).toBe(3);
    expect(nestingDepth(Buffer.from('["\\"[[[", []]'))).toBe(2);
    expect(nestingDepth(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)))).toBe(100_000);
  });

  it('bounds nesting by the count of opening brackets, so most bodies need no walk', () => {
    expect(mayNestDeeperThan(Buffer.from('{"a":[1,{"b":2}]}'), 3)).toBe(false);
    expect(mayNestDeeperThan(Buffer.from('{"a":[1,{"b":2}]}'), 2)).toBe(true);
    // Brackets in strings count: an upper bound, never an underestimate.
    expect(mayNestDeeperThan(Buffer.from('{"a":"[[[{{"}'), 3)).toBe(true);
    expect(mayNestDeeperThan(Buffer.from('['.repeat(129) + ']'.repeat(129)), 128)).toBe(true);
    expect(mayNestDeeperThan(Buffer.from('[{}]'.repeat(64)), 128)).toBe(false);
  });

  it('removes the members at the paths, mending commas, and leaves every other byte alone', () => {
    const graph =
      '{"value":[{"id":"1","clientState":"s3cret","changeType":"created"},\n  {"clientState" : "s3cret"}]}';
    expect(without(graph, ['value[].clientState'])).toEqual({
      text: '{"value":[{"id":"1","changeType":"created"},\n  {}]}',
      removed: 2,
    });
    expect(without('{"token":"t", "a":1}', ['token']).text).toBe('{"a":1}');
    expect(without('{"a":1, "token":"t"}', ['token']).text).toBe('{"a":1}');
    expect(without('{"a":1,"token":{"x":[1,2]},"b":2}', ['token']).text).toBe('{"a":1,"b":2}');
    expect(without('{"token":1,"token":2,"a":3}', ['token'])).toEqual({ text: '{"a":3}', removed: 2 });
    expect(without('[{"portalId":1,"k":2},{"portalId":3}]', ['[].portalId']).text).toBe('[{"k":2},{}]');
    // Only the member at the path: the same name elsewhere, or as a value, stays.
    const nested = '{"token":"x","inner":{"token":"keep"},"list":["token"],"team":{"id":"T"}}';
    expect(JSON.parse(without(nested, ['token', 'team.id']).text)).toEqual({
      inner: { token: 'keep' },
      list: ['token'],
      team: {},
    });
    // A name written with escapes is the same name.
    expect(without('{"\\u0074oken":"t","a":1}', ['token']).text).toBe('{"a":1}');
    expect(without('{"a":1}', ['token'])).toEqual({ text: '{"a":1}', removed: 0 });
  });

  it('agrees with deleting the members from the parsed document, on every GitHub example', () => {
    const paths = ['sender.login', 'repository.owner', 'installation', 'commits[].author.email', 'action'];
    for (const example of githubExamples().filter((candidate) => candidate.source === 'api.github.com')) {
      // Pretty-printed, so whitespace around the removed members is exercised too.
      const text = JSON.stringify(example.payload, null, example.index % 2 === 0 ? 2 : undefined);
      const expected = structuredClone(example.payload);
      for (const path of paths) deleteAt(expected, path.split('.'));
      expect(JSON.parse(without(text, paths).text), `${example.eventName} #${example.index}`).toEqual(
        expected,
      );
    }
  });

  it('keeps bytes that are not UTF-8 exactly as they were', () => {
    const raw = Buffer.concat([
      Buffer.from('{"clientState":"s","title":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const { bytes } = withoutMembers(raw, ['clientState']);
    expect(bytes).toEqual(
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    );
  });

  it('removes members of a body far too deep to parse recursively', () => {
    const deep = `{"clientState":"s","deep":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const { bytes, removed } = withoutMembers(Buffer.from(deep), ['clientState']);
    expect(removed).toBe(1);
    expect(bytes.toString('utf8').startsWith('{"deep":[[[')).toBe(true);
  });
});

describe('readBody', () => {
  const options = { secretFields: ['value[].clientState'], emptyIsNull: false };

  it('parses what is left once secrets are removed, and says when the bytes are not UTF-8', () => {
    const body = readBody(Buffer.from('{"value":[{"clientState":"s","id":1}]}'), options);
    expect(body).toMatchObject({ ok: true, payload: { value: [{ id: 1 }] }, utf8: true, redacted: 1 });
    const latin1 = readBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), options);
    expect(latin1).toMatchObject({ ok: true, payload: { a: '\uFFFD' }, utf8: false, redacted: 0 });
  });

  it('refuses a body nested too deep, and says why without quoting it', () => {
    const deep = readBody(Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`), options);
    expect(deep).toMatchObject({ ok: false, reason: 'payload_too_deep' });
    const fits = '['.repeat(MAX_PAYLOAD_DEPTH) + ']'.repeat(MAX_PAYLOAD_DEPTH);
    expect(readBody(Buffer.from(fits), options).ok).toBe(true);
    const nul = readBody(Buffer.from([0x00, 0x41, 0x42]), options);
    expect(nul).toMatchObject({ ok: false, reason: 'malformed_payload' });
    expect(nul.ok === false && nul.detail).toMatch(/^body is not JSON/);
    const detail = nul.ok ? '' : nul.detail;
    expect(detail.includes('\u0000') || detail.includes('AB')).toBe(false);
  });

  it('reads an empty body as null where the scheme has none', () => {
    expect(readBody(Buffer.alloc(0), { secretFields: [], emptyIsNull: true })).toMatchObject({
      ok: true,
      payload: null,
    });
  });
});
