/**
 * Span attribute names. Values are identifiers only (tenant, connection, provider, resource, event
 * type, positions): never a token, a secret, a header value or a payload. test/observability checks
 * every exported span against that rule.
 */
export const ATTR = {
  tenant: 'switchboard.tenant',
  connection: 'switchboard.connection',
  provider: 'switchboard.provider',
  resource: 'switchboard.resource',
  eventType: 'switchboard.event_type',
  eventTypes: 'switchboard.event_types',
  eventCount: 'switchboard.event_count',
  stream: 'switchboard.stream',
  position: 'switchboard.position',
  revision: 'switchboard.revision',
  duplicate: 'switchboard.duplicate',
  projection: 'switchboard.projection',
  fromPosition: 'switchboard.from_position',
  toPosition: 'switchboard.to_position',
  topic: 'switchboard.topic',
  subscription: 'switchboard.subscription',
} as const;

/** The tracer every Switchboard span comes from (one name, so a collector can filter on it). */
export const TRACER_NAME = 'switchboard';
