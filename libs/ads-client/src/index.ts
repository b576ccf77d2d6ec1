// Public surface of @ads/ads-client. Everything a service may use is exported here by name;
// nothing else in this package is imported from outside it.

// The RPC framework.
export { RPC_ERROR_CODES, codeFromJsonRpcNumber, isRpcErrorCode } from './rpc/error-codes';
export type { RpcErrorCode } from './rpc/error-codes';
export { RpcError, InvalidParamsError, describeIssues, fieldIssuesOf } from './rpc/rpc-error';
export type { FieldIssue } from './rpc/rpc-error';
export { defineContract, method } from './rpc/contract';
export type {
  CallContext,
  CallOptions,
  MethodContract,
  MethodHandler,
  NamespaceContract,
  RouterClient,
  RouterContract,
  RouterHandlers,
} from './rpc/contract';
export { RpcServer, createRpcServer } from './rpc/rpc-server';
export type { RpcServerOptions, RpcHttpRequest, RpcHttpResponse } from './rpc/rpc-server';
export { createNodeHttpHandler } from './rpc/node-http-backend';
export { createExpressRpcRouter } from './rpc/express-backend';
export { describeRouter, renderDocsPage } from './rpc/router-description';
export type { RouterDescription, MethodDescription } from './rpc/router-description';
export { jsonSerializer, msgpackSerializer } from './rpc/serializers';
export type { Serializer } from './rpc/serializers';
export { ServerPool } from './rpc/server-pool';
export { RpcTransport, createRpcClient, createDynamicRpcClient } from './rpc/rpc-client';
export type { RpcClientOptions, TypedRpcClient, DynamicRpcClient, BatchOutcome } from './rpc/rpc-client';
export { modelContract, modelHandlers } from './rpc/model-namespace';
export type { ModelNamespaceContract, ModelStore } from './rpc/model-namespace';

// Contracts shared by servers and clients.
export * as inventory from './contracts/inventory';
export type { Advertiser, Campaign, Ad, Site, Placement, FeatureSwitch, Targeting } from './contracts/inventory';
export { MICROS_PER_MINOR_UNIT, KILL_SWITCHES } from './contracts/inventory';
export { dataApiContract } from './contracts/data-api-contract';
export type { DataApiContract, FeedUpsertRow, ImportRun } from './contracts/data-api-contract';
export * as dataApi from './contracts/data-api-contract';
export { servingContract } from './contracts/serving-contract';
export type { ServingContract, DecisionRequest, DecisionResponse, DecidedAd, TrackingEvent, TrackingEventType } from './contracts/serving-contract';
export * as serving from './contracts/serving-contract';

// Redis key layout.
export { RedisKeys, redisKeys, hourBucket, dayBucket } from './redis/redis-keys';
export { adScore, scoreVersionMeta, SCORE_META_FIELD, SCORE_MAX_AGE_MS } from './contracts/scores';
export type { AdScore, ScoreVersionMeta } from './contracts/scores';
export { timeSeriesPoint, timeSeriesMeta } from './contracts/time-series';
export type { TimeSeriesPoint, TimeSeriesMeta } from './contracts/time-series';
