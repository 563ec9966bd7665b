import type { FastifyInstance } from 'fastify';
import type { ProviderCatalog } from '../connectors/catalog.js';
import { listActions } from '../proxy/actions/index.js';

/**
 * `GET /catalog`: the action catalog as JSON, the same entries GraphQL's `actions` serves (ids,
 * descriptions, JSON Schemas of input and output, scopes, hints, documented errors), for code
 * generators and agents that do not speak GraphQL. Public, like the provider catalog: it says
 * what the hub can do, nothing about any tenant. `?provider=github` narrows it to one provider.
 */
export function registerCatalogRoute(app: FastifyInstance, catalog: ProviderCatalog): void {
  app.get<{ Querystring: { provider?: string } }>(
    '/catalog',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { provider: { type: 'string', maxLength: 100 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      // The catalog changes only with a deployment: let clients and proxies keep it a while.
      reply.header('cache-control', 'public, max-age=300');
      return { actions: listActions(catalog, request.query.provider ?? null) };
    },
  );
}
