import { writeFile } from 'node:fs/promises';
import { printedSchema, SCHEMA_FILE } from '../src/resolvers/print.js';

/** `npm run schema`: prints the Pothos schema to schema/schema.graphql so API changes show in review. */
await writeFile(SCHEMA_FILE, printedSchema());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
