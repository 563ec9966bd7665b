import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../src/resolvers/print.js';

describe('schema/schema.graphql', () => {
  it('is what the Pothos builder prints (run `npm run schema` after changing the API)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });
});
