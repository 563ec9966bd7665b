import type { HubMetrics } from './hub-metrics.js';

const nothing = () => {};

/** For components built without metrics (unit tests, one-off commands): every report is dropped. */
export const NOOP_METRICS: HubMetrics = {
  webhookDelivery: nothing,
  webhookVerifyFailure: nothing,
  signalPublished: nothing,
  syncRunFinished: nothing,
  syncRecords: nothing,
  rateLimitedWait: nothing,
  providerCall: nothing,
  tokenRefresh: nothing,
  driftDetected: nothing,
  graphqlOperation: nothing,
  observeProjections: nothing,
  observeDeadLetters: nothing,
  observeCircuits: nothing,
};
