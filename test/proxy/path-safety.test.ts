import { describe, expect, it } from 'vitest';
import { safeProxyPath } from '../../src/proxy/path-safety.js';

/** The nine rules as first written, every one tried on every path: the reference the fast path must match. */
const REFERENCE: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\r\n\0]|%0[ad]|%00/i, 'control characters'],
  [/\\|%5c/i, 'backslashes'],
  [/@|%40/i, '"@"'],
  [/%2e|%2f|%252/i, 'encoded dots and slashes'],
  [/(^|\/)\.\.?(\/|$)/, 'dot segments'],
  [/\/\//, 'empty segments'],
  [/^[a-z][a-z0-9+.-]*:/i, 'a scheme'],
  [/[^\x21-\x7e]/, 'only printable ASCII'],
  [/%(?![0-9a-f]{2})/i, 'malformed percent-encoding'],
];

const verdict = (path: string) => {
  try {
    return `allowed ${safeProxyPath(path)}`;
  } catch (error) {
    return `refused ${(error as Error).message}`;
  }
};
const expected = (path: string) => {
  const rule = REFERENCE.find(([pattern]) => pattern.test(path));
  return rule ? rule[1] : null;
};

describe('safeProxyPath', () => {
  it('gives every path the verdict and reason of the full rule list, plain paths included', () => {
    // Pieces of plain and hostile paths, joined at random (seeded) into many combinations.
    const pieces = [
      'a',
      'repos',
      '.',
      '..',
      '/',
      '//',
      '%2e',
      '%2F',
      '%',
      '%zz',
      '%41',
      '@',
      '\\',
      ':',
      'http:',
      ' ',
      '\t',
      '\r\n',
      'é',
      '~',
      '-',
      '_',
      "'",
      '!',
      '?',
      '#',
      '%00',
      '[',
      '1',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const paths = [
      'repos/octo-org/hello-world/issues/42',
      'v1/items.json',
      '/a/b',
      'a/./b',
      '../x',
      'a//b',
      'mailto:x',
    ];
    for (let i = 0; i < 5_000; i++) {
      const length = 1 + Math.floor(random() * 6);
      paths.push(Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join(''));
    }
    let plainRefusals = 0;
    for (const path of paths) {
      const rule = expected(path);
      const got = verdict(path);
      if (rule === null) expect(got, path).toBe(`allowed ${path.startsWith('/') ? path : `/${path}`}`);
      else expect(got, path).toContain(rule);
      if (rule !== null && /^[A-Za-z0-9._~!$&'()*+,;=:/-]*$/.test(path)) plainRefusals++;
    }
    // The seeded set does reach the fast path's own refusals (dots, "//", schemes).
    expect(plainRefusals).toBeGreaterThan(100);
  });
});
