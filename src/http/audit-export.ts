import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditExportLines, type ExportDeps, ndjsonChunks } from '../audit/export.js';
import type { Authenticator } from '../auth/authenticate.js';
import { requirePermission, resolveTenant } from '../auth/tenancy.js';
import { BadUserInputError } from '../shared/errors.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { bindRequestLog } from './log-bindings.js';

export interface AuditExportRouteOptions {
  audit: ExportDeps;
  authenticator: Authenticator;
  tenants: Pick<TenantDirectory, 'assertActive'>;
}

type ExportRequest = FastifyRequest<{ Querystring: { from?: string; to?: string } }>;

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function position(name: 'from' | 'to', value: string | undefined): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,19}$/.test(value)) {
    throw new BadUserInputError(`${name} must be a global position (a non-negative integer)`, undefined, {
      field: name,
    });
  }
  return BigInt(value);
}

/**
 * `GET /audit/export?from=&to=`: the tenant's audit trail (src/audit/export.ts) as NDJSON, for a
 * caller holding `audit:read` on the tenant it names (X-Tenant-Id). Streamed as it is read: the
 * response waits for the client (backpressure) and a client that goes away ends the read. Errors
 * found before the first chunk are problem+json; one after it cuts the response short, which the
 * missing `end` line tells a verifier.
 */
export function registerAuditExportRoute(app: FastifyInstance, options: AuditExportRouteOptions): void {
  app.get('/audit/export', async (request: ExportRequest, reply: FastifyReply) => {
    const principal = await options.authenticator.authenticate(header(request, 'authorization'));
    requirePermission(principal, 'audit:read');
    const tenantId = resolveTenant(principal, header(request, 'x-tenant-id'));
    bindRequestLog(request.log, { tenantId });
    const from = position('from', request.query.from);
    const to = position('to', request.query.to);
    if (from !== undefined && to !== undefined && from > to) {
      throw new BadUserInputError('from must not be after to', undefined, { field: 'from' });
    }
    await options.tenants.assertActive(tenantId);

    const chunks = ndjsonChunks(auditExportLines(options.audit, { tenantId, from, to }));
    // The first chunk is read before answering, so a failure to start is still a proper error.
    const first = await chunks.next();
    async function* body() {
      if (!first.done) yield first.value;
      yield* chunks;
    }
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="audit-${tenantId}.ndjson"`)
      .send(Readable.from(body(), { objectMode: false }));
  });
}
