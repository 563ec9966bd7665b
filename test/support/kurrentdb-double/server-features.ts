/**
 * ServerFeatures.GetSupportedMethods: the server's version, which the adapter checks at startup,
 * and no methods, so the client keeps to plain Append (no BatchAppend).
 */
import type { sendUnaryData } from '@grpc/grpc-js';
import { serverFeaturesPb } from './proto.js';

type SupportedMethods = InstanceType<typeof serverFeaturesPb.SupportedMethods>;

export function handleServerFeatures(version: string) {
  return (_call: unknown, callback: sendUnaryData<SupportedMethods>) => {
    const supported = new serverFeaturesPb.SupportedMethods();
    supported.setEventStoreServerVersion(version);
    callback(null, supported);
  };
}
