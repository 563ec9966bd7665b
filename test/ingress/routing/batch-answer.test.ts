import { describe, expect, it } from 'vitest';
import { acknowledged, problem } from '../../../src/ingress/responses.js';
import { batchAnswer, type PartOutcome } from '../../../src/ingress/routing/batch-answer.js';

const requestId = 'req-1';
const routed = (
  routingId: string,
  response = acknowledged('accepted', [`sig-${routingId}`]),
): PartOutcome => ({
  routingId,
  kind: 'routed',
  response,
});
const duplicate = (routingId: string) => routed(routingId, acknowledged('duplicate', [`sig-${routingId}`]));
const deadLettered = (routingId: string): PartOutcome => ({
  routingId,
  kind: 'dead_lettered',
  deadLetterId: `dl-${routingId}`,
});
const unrouted = (routingId: string | null): PartOutcome => ({ routingId, kind: 'unrouted' });
const body = (response: { body: string }) => JSON.parse(response.body);

describe('batchAnswer', () => {
  it("accepts a batch, listing every part's signals and dead letters", () => {
    const answer = batchAnswer(
      [routed('r1'), deadLettered('r2'), unrouted('r3'), duplicate('r4')],
      requestId,
    );
    expect(answer.status).toBe(200);
    expect(body(answer)).toEqual({
      status: 'accepted',
      signals: ['sig-r1', 'sig-r4'],
      deadLetters: ['dl-r2'],
      parts: [
        { account: 'r1', status: 'accepted', signals: ['sig-r1'] },
        { account: 'r2', status: 'dead_lettered', deadLetterId: 'dl-r2' },
        { account: 'r3', status: 'unrouted' },
        { account: 'r4', status: 'duplicate', signals: ['sig-r4'] },
      ],
    });
  });

  it('calls the batch a duplicate only when every routed part was one', () => {
    expect(body(batchAnswer([duplicate('r1'), duplicate('r2'), deadLettered('r3')], requestId)).status).toBe(
      'duplicate',
    );
    expect(body(batchAnswer([deadLettered('r3')], requestId)).status).toBe('accepted');
  });

  it('answers 503 when any part could not be recorded, so the provider sends the batch again', () => {
    const answer = batchAnswer([routed('r1'), { routingId: 'r2', kind: 'unavailable' }], requestId);
    expect(answer.status).toBe(503);
    expect(body(answer)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', requestId });
  });

  it("lets a routed part's 503, then its 401, decide the answer", () => {
    const refused = problem(401, 'UNAUTHORIZED', 'bad signature', requestId);
    const down = problem(503, 'DEPENDENCY_UNAVAILABLE', 'down', requestId);
    expect(batchAnswer([routed('r1'), routed('r2', refused), routed('r3', down)], requestId)).toBe(down);
    expect(batchAnswer([routed('r1'), routed('r2', refused)], requestId)).toBe(refused);
  });

  it('answers 404 only when no part belonged to any connection', () => {
    const gone = routed('r2', problem(404, 'CONNECTION_NOT_FOUND', 'gone', requestId));
    const answer = batchAnswer([unrouted('r1'), gone, unrouted(null)], requestId);
    expect(answer.status).toBe(404);
    expect(body(answer)).toMatchObject({ code: 'CONNECTION_NOT_FOUND', requestId });
  });

  it("keeps an authentic but unusable part (400 with a dead letter) as the connection's dead letter", () => {
    const unusable = problem(400, 'BAD_DELIVERY', 'not json', requestId, { deadLetterId: 'dl-own' });
    const answer = batchAnswer([routed('r1', unusable)], requestId);
    expect(answer.status).toBe(200);
    expect(body(answer)).toMatchObject({
      deadLetters: ['dl-own'],
      parts: [{ account: 'r1', status: 'dead_lettered', deadLetterId: 'dl-own' }],
    });
  });
});
