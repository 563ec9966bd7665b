import type { Caller } from '../connections/index.js';
import { actorOf, type GraphQLContext } from './context.js';

/** The request as the services record it: its principal as the actor, its id as the correlation. */
export const callerOf = (context: GraphQLContext): Caller => ({
  actor: actorOf(context.principal),
  correlationId: context.requestId,
});
