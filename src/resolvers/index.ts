import { builder } from './builder.js';
import './tenants.js';
import './providers.js';
import './audit.js';

/** Importing the domain files registers their types and fields; this builds the schema once. */
export const schema = builder.toSchema({ sortSchema: true });
