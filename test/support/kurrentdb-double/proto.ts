/**
 * The client's own generated protobuf code, so the double speaks exactly the wire format the
 * client expects. These are CommonJS modules: the default import is `module.exports`. Loading them
 * from the same path as the client keeps one copy of the classes (the stubs check `instanceof`).
 */
import gossipGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_grpc_pb.js';
import gossipPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_pb.js';
import serverFeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';

export { gossipGrpc, gossipPb, serverFeaturesGrpc, serverFeaturesPb, sharedPb, streamsGrpc, streamsPb };

export type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
export type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
export type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
export type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
export type DeleteReq = InstanceType<typeof streamsPb.DeleteReq>;
export type DeleteResp = InstanceType<typeof streamsPb.DeleteResp>;
export type TombstoneReq = InstanceType<typeof streamsPb.TombstoneReq>;
export type TombstoneResp = InstanceType<typeof streamsPb.TombstoneResp>;
export type FilterOptions = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;
export type UuidOption = InstanceType<typeof streamsPb.ReadReq.Options.UUIDOption>;
