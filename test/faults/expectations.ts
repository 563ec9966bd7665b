import { type Answer, succeeded } from './fault-hub.js';

const GRAPHQL = new Set(['query', 'mutation']);

/**
 * What a client must see while a dependency it needs is unavailable: GraphQL a retryable
 * SERVICE_UNAVAILABLE, REST 503 problem+json with Retry-After, /readyz 503. A request that got
 * through before the outage began (or after it ended) may of course succeed.
 */
export function unavailableOrServed(answer: Answer): boolean {
  if (succeeded(answer)) return true;
  if (GRAPHQL.has(answer.probe)) return answer.code === 'SERVICE_UNAVAILABLE';
  if (answer.probe === 'readyz') return answer.status === 503;
  return answer.status === 503 && answer.code === 'DEPENDENCY_UNAVAILABLE' && answer.retryAfter !== null;
}

/**
 * While Redis is unavailable the hub still serves: GraphQL queries and mutations, webhook
 * deliveries acknowledged, /readyz 200 `degraded`. Only what keeps its state in Redis (the OAuth
 * callback's pending authorizations) answers 503 with Retry-After.
 */
export function servedWithoutRedis(answer: Answer): boolean {
  if (answer.probe === 'readyz')
    return answer.status === 200 && ['ready', 'degraded'].includes(answer.outcome ?? '');
  if (answer.probe === 'oauthCallback')
    return succeeded(answer) || (answer.status === 503 && answer.retryAfter !== null);
  return succeeded(answer);
}

/** Answers that came too late or not at all, tallied (empty when every one was in time). */
export function late(answers: readonly Answer[], limitMs: number): string[] {
  return tally(answers.filter((answer) => answer.status === 0 || answer.ms > limitMs));
}

/** Answers of these probes that `allowed` refuses, tallied (empty when all are as they should be). */
export function wrong(
  answers: readonly Answer[],
  probes: readonly Answer['probe'][],
  allowed: (answer: Answer) => boolean,
): string[] {
  return tally(answers.filter((answer) => probes.includes(answer.probe) && !allowed(answer)));
}

/** Answers grouped by what they were, for a readable failure: "mutation 200 SERVICE_UNAVAILABLE ≤1540 ms × 12". */
export function tally(answers: readonly Answer[]): string[] {
  const groups = new Map<string, { count: number; ms: number }>();
  for (const answer of answers) {
    const key = `${answer.probe} ${answer.status} ${answer.code ?? answer.outcome ?? '-'}${answer.retryAfter ? ' retry-after' : ''}`;
    const group = groups.get(key) ?? { count: 0, ms: 0 };
    group.count++;
    group.ms = Math.max(group.ms, answer.ms);
    groups.set(key, group);
  }
  return [...groups].map(([key, group]) => `${key} ≤${group.ms} ms × ${group.count}`).sort();
}
