// Public surface of @ads/ads-client. Everything a service may use is exported here by name;
// nothing else in this package is imported from outside it.

// The RPC framework.
export { RPC_ERROR_CODES, codeFromJsonRpcNumber, isRpcErrorCode } from './rpc/error-codes';
export type { RpcErrorCode } from './rpc/error-codes';
export { RpcError, InvalidParamsError, describeIssues, fieldIssuesOf, isServerSideFailure } from './rpc/rpc-error';
export type { FieldIssue } from './rpc/rpc-error';
export { defineContract, method } from './rpc/contract';
export type {
  CallContext,
  CallOptions,
  MethodContract,
  MethodHandler,
  MethodResult,
  NamespaceContract,
  RouterClient,
  RouterContract,
  RouterHandlers,
} from './rpc/contract';
export { RpcServer, createRpcServer } from './rpc/rpc-server';
export { PreEncodedResult } from './rpc/pre-encoded-result';
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
export { MICROS_PER_MINOR_UNIT, KILL_SWITCHES, ROW_ID_PATTERN, isTimeZone } from './contracts/inventory';
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

// Typed stores of the feedback loop (time series, score versions).
export { TimeSeriesStore, timeSeriesCovers, timeSeriesField } from './redis/time-series-store';
export type { TimeSeriesBucket, TimeSeriesEntry, TimeSeriesGranularity, TimeSeriesLevel, TimeSeriesView } from './redis/time-series-store';
export { ScoreStore, newScoreVersionId, isScoreVersionFresh } from './redis/score-store';
export type { ScoreVersion, ScoreFlip } from './redis/score-store';
export { RedisValueError, RedisWriteError } from './redis/redis-store-errors';
export { redisUrlSetting, redactRedisUrl } from './redis/redis-url';
export { KNOWN_PLACEHOLDER_SECRETS, MIN_SECRET_BITS, MIN_SECRET_LENGTH, SECRET_RECIPE, checkProductionSecret, productionSecretProblems, secretStrengthBits } from './config/production-secret';
export { readInventorySnapshot } from './data-api/read-inventory-snapshot';
export type { InventorySnapshot, SnapshotCampaign, SnapshotAd, SnapshotPlacement, SnapshotFeatureSwitch } from './data-api/read-inventory-snapshot';
export { EARLIEST_EVENT_AT, EVENTS_ROLLUP_GROUP, LATEST_EVENT_AT, MAX_EVENT_SPEND_MICROS, TRACKING_EVENT_FIELD, encodeTrackingEvent, decodeTrackingEvent } from './redis/events-stream';
export type { DecodedTrackingEvent } from './redis/events-stream';
export { localDay, utcHoursOfLocalDay } from './time/local-day';
export { seededRng } from './random/seeded-rng';
export type { Rng } from './random/seeded-rng';

// Serving index (cache-warming writes, serving reads).
export {
  SERVING_INDEX_FORMAT,
  SERVING_INDEX_FIELDS,
  servingIndexAd,
  servingIndexCampaign,
  servingIndexPlacement,
  servingIndexMeta,
} from './contracts/serving-index';
export type {
  ServingIndex,
  ServingIndexAd,
  ServingIndexCampaign,
  ServingIndexPlacement,
  ServingIndexMeta,
  ServingFeatureSwitch,
} from './contracts/serving-index';
export { ServingIndexStore, ServingIndexError, encodeServingIndex } from './redis/serving-index-store';
export type { ServingIndexParts, EncodedServingIndex, ServingIndexErrorCode, ServingIndexPublication, ServingIndexRollback } from './redis/serving-index-store';

// REST API of ads-data-api: contracts of lists, reports, keys, audit log, problems; typed client.
export * as rest from './contracts/rest';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_REPORT_HOURS, MAX_REPORT_DAYS } from './contracts/rest';
export type {
  AdvertiserResource,
  SiteResource,
  PlacementResource,
  FeatureSwitchResource,
  ApiKey,
  ApiKeyCreated,
  AuditLogEntry,
  ImportRunResource,
  Report,
  ReportPoint,
  FieldProblem,
  ProblemDocument,
  CampaignTransition,
  Page,
} from './contracts/rest';
export { createDataApiRestClient } from './rest/data-api-rest-client';
export type { DataApiRestClient, DataApiRestClientOptions, ResourceClient, Tagged, PostOptions, IfMatchOptions, ListQuery } from './rest/data-api-rest-client';
export { DataApiProblemError } from './rest/data-api-problem-error';
export { eCpmMicros, spendPerEvent } from './contracts/pricing';
export type { BidType } from './contracts/pricing';
