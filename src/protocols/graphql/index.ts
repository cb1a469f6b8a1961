// The GraphQL edge (docs/graphql.md): queries and mutations over HTTP at /api/v1/graphql,
// subscriptions over WebSocket at the same path, over the modules' services.
import type { EventFanout } from '../../infra/pubsub/event-fanout';
import type { EventBus } from '../../shared/events';
import { FANNED_OUT_TYPES } from './subscription-resolvers';

export { buildGraphqlSchema, schemaSdl } from './schema';
export { GRAPHQL_PATH, graphqlErrorHandler, graphqlHandler, type GraphqlOptions } from './http';
export type { GraphqlServices } from './context';
export { createSubscriptionServer, type SubscriptionServer, type SubscriptionServerOptions } from './subscription-server';

/** Hands the events subscriptions listen for from this process's EventBus to every instance. */
export function feedFanout(events: EventBus, fanout: EventFanout): () => void {
  return events.subscribe('*', (event) => {
    if (FANNED_OUT_TYPES.has(event.type)) fanout.publish(event);
  });
}
