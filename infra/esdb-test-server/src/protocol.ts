import { createRequire } from 'node:module';

/**
 * The gRPC service definitions and protobuf messages that the official client package ships
 * (generated from EventStoreDB's .proto files). They are loaded through the client package's own
 * resolution so the double's messages are the very classes its serializers check with `instanceof`.
 */
const require = createRequire(import.meta.url);
const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));

export type StreamsPb = typeof import('@eventstore/db-client/generated/streams_pb.js');
export type SharedPb = typeof import('@eventstore/db-client/generated/shared_pb.js');
export type StatusPb = typeof import('@eventstore/db-client/generated/status_pb.js');
export type ServerFeaturesPb = typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');

export const streamsPb = clientRequire('./generated/streams_pb.js') as StreamsPb;
export const sharedPb = clientRequire('./generated/shared_pb.js') as SharedPb;
export const statusPb = clientRequire('./generated/status_pb.js') as StatusPb;
export const serverFeaturesPb = clientRequire('./generated/serverfeatures_pb.js') as ServerFeaturesPb;
export const streamsGrpc = clientRequire('./generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
export const serverFeaturesGrpc = clientRequire('./generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');

/** google.protobuf.Any and google.protobuf.Empty, typed through the messages that use them. */
export type AnyMessage = NonNullable<Parameters<InstanceType<StatusPb['Status']>['setDetails']>[0]>;
export type WellKnownEmpty = NonNullable<Parameters<InstanceType<SharedPb['WrongExpectedVersion']>['setExpectedAny']>[0]>;
export const { Any } = clientRequire('google-protobuf/google/protobuf/any_pb.js') as { Any: new () => AnyMessage };
export const { Empty: WellKnownEmpty } = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as { Empty: new () => WellKnownEmpty };

/** google.rpc.Code values used in responses. */
export const Code = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, UNIMPLEMENTED: 12 } as const;
