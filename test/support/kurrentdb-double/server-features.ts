/**
 * ServerFeatures.GetSupportedMethods, which the Node client asks once per connection to choose
 * between calls, and whose version the adapter checks at startup: with `batchappend` listed,
 * every append goes over Streams.BatchAppend, as it does against every server since 21.10.
 * The real server lists every gRPC method it hosts (persistent subscriptions, operations, users,
 * monitoring, redaction ...); the double lists only the ones it serves, with the features the
 * server attaches to them (`position`/`events` on reads, `deadline_duration` on BatchAppend).
 */
import type { sendUnaryData } from '@grpc/grpc-js';
import { serverFeaturesPb } from './proto.js';

const method = (service: string, name: string, features: string[] = []) => {
  const supported = new serverFeaturesPb.SupportedMethod();
  supported.setServiceName(service);
  supported.setMethodName(name);
  supported.setFeaturesList(features);
  return supported;
};

export function handleSupportedMethods(options: { version: string; batchAppend: boolean }) {
  return (
    _call: unknown,
    callback: sendUnaryData<InstanceType<typeof serverFeaturesPb.SupportedMethods>>,
  ) => {
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      method(streams, 'delete'),
      method(streams, 'tombstone'),
      ...(options.batchAppend ? [method(streams, 'batchappend', ['deadline_duration'])] : []),
      method('event_store.client.gossip.gossip', 'read'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    const supported = new serverFeaturesPb.SupportedMethods();
    supported.setEventStoreServerVersion(options.version);
    supported.setMethodsList(methods);
    callback(null, supported);
  };
}
