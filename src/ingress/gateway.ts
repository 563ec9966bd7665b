import type { ProviderCatalog } from '../connectors/catalog.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { webhooksStream } from '../events/webhook.js';
import type { EventStore } from '../eventstore/port.js';
import { type HubMetrics, NOOP_METRICS } from '../observability/metrics/index.js';
import type { Logger } from '../platform/logger.js';
import type { ContentVault } from '../vault/sealed-content.js';
import { type AcceptDependencies, acceptDelivery } from './accept-delivery.js';
import { sha256Hex } from './delivery/delivery-key.js';
import { routingIdOf } from './delivery/locate.js';
import { rejectionRecord } from './delivery/records.js';
import type { RejectionBudget } from './delivery/rejection-budget.js';
import { handshakeResponse } from './handshake.js';
import { type GatewayResponse, problem } from './responses.js';
import type { AppSecrets } from './routing/app-secrets.js';
import { batchAnswer, type PartOutcome } from './routing/batch-answer.js';
import { type BatchPart, batchParts } from './routing/batch-parts.js';
import type { ResolvedTarget, ResolvedTargets } from './routing/resolved-targets.js';
import { isConnectionId, isProviderId, isRoutingId } from './routing/route-params.js';
import { deadLetterUnrouted } from './routing/unrouted.js';
import { headerOf, parseJsonBody } from './verify/request.js';
import type { VerifyRequest, VerifyResult, WebhookDeclaration, WebhookSecret } from './verify/types.js';
import { verifyDelivery } from './verify-delivery.js';

export interface GatewayDependencies {
  catalog: Pick<ProviderCatalog, 'get'>;
  targets: ResolvedTargets;
  appSecrets: AppSecrets;
  eventStore: Pick<EventStore, 'append' | 'readStream'>;
  rejections: RejectionBudget;
  /** Seals what deliveries say with their tenant's data key (payloads, dead-letter bodies). */
  vault: ContentVault;
  logger: Logger;
  now?: () => Date;
  /** See AcceptDependencies.onRecorded. */
  onRecorded?: AcceptDependencies['onRecorded'];
  /** Deliveries by result, verification failures by reason (none: not counted). */
  metrics?: HubMetrics;
}

export interface IncomingDelivery {
  provider: string;
  /** Null on the app-level route, where the payload names the connection. */
  connectionId: string | null;
  request: VerifyRequest;
  requestId: string;
  /** Told the tenant and connection a delivery belongs to once they are known (for the request's logs). */
  onTarget?: (target: { tenantId: string; connectionId: string }) => void;
}

interface Context extends IncomingDelivery {
  manifest: ProviderManifest;
  webhooks: WebhookDeclaration;
  receivedAt: Date;
  bodySha256: string;
}

/**
 * The webhook gateway: find the connection, answer handshakes, verify on the raw bytes, then hand
 * the authentic delivery to acceptDelivery. Refusals are recorded (WebhookRejected, without the
 * payload) whenever the connection, and so the tenant, is known.
 */
export class WebhookGateway {
  readonly #deps: GatewayDependencies & { metrics: HubMetrics };
  readonly #now: () => Date;

  constructor(dependencies: GatewayDependencies) {
    this.#deps = { ...dependencies, metrics: dependencies.metrics ?? NOOP_METRICS };
    this.#now = dependencies.now ?? (() => new Date());
  }

  async receive(incoming: IncomingDelivery): Promise<GatewayResponse> {
    // Route parameters are the caller's bytes: checked before anything looks them up.
    const named = isProviderId(incoming.provider);
    const manifest = named ? this.#deps.catalog.get(incoming.provider) : undefined;
    if (!manifest?.webhooks) {
      // Any id a caller puts in the URL: the metrics label it `unknown` unless the catalog has it.
      this.#deps.metrics.webhookDelivery(incoming.provider, 'rejected');
      return problem(
        404,
        'PROVIDER_NOT_SUPPORTED',
        named ? `No webhooks for provider "${incoming.provider}"` : 'No webhooks for this provider',
        incoming.requestId,
      );
    }
    const context: Context = {
      ...incoming,
      manifest,
      webhooks: manifest.webhooks,
      receivedAt: this.#now(),
      bodySha256: sha256Hex(incoming.request.rawBody),
    };
    if (incoming.connectionId !== null) return this.#perConnection(context, incoming.connectionId);
    return this.#appLevel(context);
  }

  /** POST /webhooks/:provider/:connectionId: the connection's own secret. */
  async #perConnection(context: Context, connectionId: string): Promise<GatewayResponse> {
    if (!isConnectionId(connectionId)) return this.#connectionNotFound(context);
    const lookup = (fresh: boolean) => this.#deps.targets.byConnection(context.provider, connectionId, fresh);
    const target = await lookup(false);
    if (!target) return this.#connectionNotFound(context);
    const handshake = handshakeResponse(context.webhooks, context.request, 'before_verification');
    if (handshake) return handshake;
    return this.#verifyAndAccept(context, target, lookup);
  }

  /**
   * POST /webhooks/:provider. Schemes signed by the app (GitHub Apps, Slack apps) are verified with
   * the app-level secret before the body is read for the routing id. Schemes whose credential is
   * per connection (Google's channel token, Graph's clientState) are routed first (by a header, or
   * by the body Graph's verification reads anyway) and verified with that connection's secret.
   * Routing goes to the connection bound to the account (never a guess); a batch covering several
   * accounts is split (batch-parts.ts) and each part goes to its own connection.
   */
  async #appLevel(context: Context): Promise<GatewayResponse> {
    const { webhooks, request, requestId } = context;
    const handshake = handshakeResponse(webhooks, request, 'before_verification');
    if (handshake) return handshake;
    const routing = webhooks.routing;
    if (!routing) {
      return problem(
        404,
        'CONNECTION_NOT_FOUND',
        `${context.manifest.displayName} deliveries need a connection id in the URL`,
        requestId,
      );
    }
    if (!('secret' in webhooks) || !webhooks.secret.appLevel) {
      const body = routing.paths.length > 0 ? parseJsonBody(request) : undefined;
      const parts = batchParts(routing, request, body);
      if (parts) return this.#acceptParts(context, parts, null);
      const lookup = this.#router(context, routingIdOf(routing, request, body));
      const target = await lookup(false);
      return target ? this.#verifyAndAccept(context, target, lookup) : this.#connectionNotFound(context);
    }
    const secret = await this.#deps.appSecrets.secretFor(context.provider);
    const verdict = verifyDelivery(webhooks, request, secret ?? '', context.receivedAt);
    if (!verdict.ok) return this.#refuse(context, null, verdict.reason);
    const afterVerification = handshakeResponse(webhooks, request);
    if (afterVerification) return afterVerification;
    const body = parseJsonBody(request);
    const parts = batchParts(routing, request, body);
    if (parts) return this.#acceptParts(context, parts, verdict);
    const target = await this.#router(context, routingIdOf(routing, request, body))(false);
    return target ? this.#accept(context, target, verdict) : this.#connectionNotFound(context);
  }

  #router(context: Context, routingId: string | null) {
    return (fresh: boolean): Promise<ResolvedTarget | null> =>
      routingId === null || !isRoutingId(routingId)
        ? Promise.resolve(null)
        : this.#deps.targets.byRoutingId(context.provider, routingId, fresh);
  }

  /**
   * Each part of a split batch as a delivery of its own (own body digest, so own identity and
   * signal ids) to the connection bound to its account. `batchVerdict`: the app-level signature
   * covered the whole batch, so a part no connection holds is authentic and kept as the provider's
   * dead letter; without one (Graph), each part is verified by its own connection's secret, and a
   * part without a connection cannot be, so it is not recorded.
   */
  async #acceptParts(
    context: Context,
    parts: readonly BatchPart[],
    batchVerdict: Extract<VerifyResult, { ok: true }> | null,
  ): Promise<GatewayResponse> {
    const outcomes: PartOutcome[] = [];
    for (const { routingId, request } of parts) {
      const part: Context = { ...context, request, bodySha256: sha256Hex(request.rawBody) };
      const lookup = this.#router(part, routingId);
      const target = await lookup(false);
      // A signed delivery id names the batch; each part needs its own.
      const batchId = batchVerdict?.deliveryId ?? null;
      const deliveryId = batchId === null ? null : `${batchId}/${routingId ?? ''}`;
      if (target) {
        const response = batchVerdict
          ? await this.#accept(part, target, { ...batchVerdict, deliveryId })
          : await this.#verifyAndAccept(part, target, lookup);
        outcomes.push({ routingId, kind: 'routed', response });
      } else if (!batchVerdict) {
        this.#deps.metrics.webhookDelivery(context.provider, 'rejected');
        outcomes.push({ routingId, kind: 'unrouted' });
      } else {
        const letter = await deadLetterUnrouted(this.#deps, { ...part, routingId, deliveryId });
        this.#deps.metrics.webhookDelivery(context.provider, letter.ok ? 'dead_lettered' : 'error');
        outcomes.push(
          letter.ok
            ? { routingId, kind: 'dead_lettered', deadLetterId: letter.deadLetterId }
            : { routingId, kind: 'unavailable' },
        );
      }
    }
    return batchAnswer(outcomes, context.requestId);
  }

  async #verifyAndAccept(
    context: Context,
    cached: ResolvedTarget,
    lookup: (fresh: boolean) => Promise<ResolvedTarget | null>,
  ): Promise<GatewayResponse> {
    let target = cached;
    let verdict = this.#verify(context, target.plainSecret);
    if (!verdict.ok) {
      // The cached secret may predate a rotation: one fresh look before refusing.
      const fresh = await lookup(true);
      if (!fresh) return this.#connectionNotFound(context);
      target = fresh;
      verdict = this.#verify(context, target.plainSecret);
    }
    if (!verdict.ok) return this.#refuse(context, target, verdict.reason);
    const handshake = handshakeResponse(context.webhooks, context.request);
    if (handshake) return handshake;
    return this.#accept(context, target, verdict);
  }

  #verify(context: Context, secret: WebhookSecret): VerifyResult {
    return verifyDelivery(context.webhooks, context.request, secret, context.receivedAt);
  }

  #accept(
    context: Context,
    target: ResolvedTarget,
    verdict: Extract<VerifyResult, { ok: true }>,
  ): Promise<GatewayResponse> {
    context.onTarget?.({ tenantId: target.tenantId, connectionId: target.connectionId });
    const dependencies: AcceptDependencies = this.#deps;
    return acceptDelivery(dependencies, {
      manifest: context.manifest,
      webhooks: context.webhooks,
      target: { tenantId: target.tenantId, connectionId: target.connectionId, provider: context.provider },
      request: context.request,
      requestId: context.requestId,
      receivedAt: context.receivedAt,
      bodySha256: context.bodySha256,
      verified: { deliveryId: verdict.deliveryId, timestamp: verdict.timestamp },
    });
  }

  #connectionNotFound(context: Context): GatewayResponse {
    this.#deps.metrics.webhookDelivery(context.provider, 'rejected');
    return connectionNotFoundAnswer(context);
  }

  /** 401 for every verification failure; the reason is recorded, and said, since it helps the sender fix it. */
  async #refuse(context: Context, target: ResolvedTarget | null, reason: string): Promise<GatewayResponse> {
    const { provider, requestId, request } = context;
    this.#deps.metrics.webhookVerifyFailure(provider, reason);
    this.#deps.metrics.webhookDelivery(provider, 'rejected', target?.tenantId);
    if (target) context.onTarget?.({ tenantId: target.tenantId, connectionId: target.connectionId });
    this.#deps.logger.info(
      { provider, connectionId: target?.connectionId ?? null, reason, requestId },
      'webhook delivery refused',
    );
    const record = target ? { tenantId: target.tenantId, connectionId: target.connectionId, provider } : null;
    if (record && (await this.#deps.rejections.allowsRecording(record))) {
      const claimedDeliveryId =
        context.webhooks.deliveryId?.header !== undefined
          ? (headerOf(request, context.webhooks.deliveryId.header) ?? null)
          : null;
      const event = rejectionRecord(
        record,
        { reason, claimedDeliveryId, bodySha256: context.bodySha256, bodyBytes: request.rawBody.length },
        context.receivedAt,
        requestId,
      );
      await this.#deps.eventStore
        .append(webhooksStream(record.tenantId, record.connectionId), [event], 'any')
        .catch((error: unknown) => this.#deps.logger.error({ err: error }, 'WebhookRejected not recorded'));
    }
    return problem(401, 'WEBHOOK_SIGNATURE_INVALID', 'The delivery could not be verified', requestId, {
      reason,
    });
  }
}

const connectionNotFoundAnswer = (context: Context) =>
  problem(
    404,
    'CONNECTION_NOT_FOUND',
    `No ${context.manifest.displayName} connection for this delivery`,
    context.requestId,
  );
