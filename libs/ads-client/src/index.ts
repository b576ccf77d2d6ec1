// Public surface of @ads/ads-client. Everything a service may use is exported here by name;
// nothing else in this package is imported from outside it.

// The RPC framework.
export { RPC_ERROR_CODES, codeFromJsonRpcNumber, isRpcErrorCode } from './rpc/error-codes.js';
export type { RpcErrorCode } from './rpc/error-codes.js';
export { RpcError, InvalidParamsError, describeIssues, fieldIssuesOf, isServerSideFailure } from './rpc/rpc-error.js';
export type { FieldIssue } from './rpc/rpc-error.js';
export { defineContract, method } from './rpc/contract.js';
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
} from './rpc/contract.js';
export { RpcServer, createRpcServer } from './rpc/rpc-server.js';
export { PreEncodedResult } from './rpc/pre-encoded-result.js';
export type { RpcServerOptions, RpcHttpRequest, RpcHttpResponse } from './rpc/rpc-server.js';
export { createNodeHttpHandler } from './rpc/node-http-backend.js';
export { createExpressRpcRouter } from './rpc/express-backend.js';
export { describeRouter } from './rpc/router-description.js';
export { exampleOf, renderDocsPage } from './rpc/docs-page.js';
export type { DocsPageOptions } from './rpc/docs-page.js';
export type { RouterDescription, MethodDescription } from './rpc/router-description.js';
export { jsonSerializer, msgpackSerializer } from './rpc/serializers.js';
export type { Serializer } from './rpc/serializers.js';
export { ServerPool } from './rpc/server-pool.js';
export { RpcTransport, createRpcClient, createDynamicRpcClient } from './rpc/rpc-client.js';
export type { RpcClientOptions, TypedRpcClient, DynamicRpcClient, BatchOutcome } from './rpc/rpc-client.js';
export { modelContract, modelHandlers } from './rpc/model-namespace.js';
export type { ModelNamespaceContract, ModelStore } from './rpc/model-namespace.js';

// Contracts shared by servers and clients.
export * as inventory from './contracts/inventory.js';
export type { Advertiser, Campaign, Ad, Site, Placement, FeatureSwitch, Targeting } from './contracts/inventory.js';
export { MICROS_PER_MINOR_UNIT, KILL_SWITCHES, ROW_ID_PATTERN, isTimeZone } from './contracts/inventory.js';
export { dataApiContract } from './contracts/data-api-contract.js';
export type { DataApiContract, FeedUpsertRow, ImportRun, StatsRow } from './contracts/data-api-contract.js';
export * as dataApi from './contracts/data-api-contract.js';
export { servingContract, BEACON_EVENT_CODES, beaconUrl } from './contracts/serving-contract.js';
export type {
  ServingContract,
  DecisionRequest,
  DecisionResponse,
  DecisionWarning,
  DecidedAd,
  TrackingEvent,
  TrackingEventType,
} from './contracts/serving-contract.js';
export * as serving from './contracts/serving-contract.js';

// Key-value targeting: page properties of a decision request, and the expressions campaigns target them with.
export {
  MAX_PROPERTIES,
  MAX_PROPERTY_LIST_LENGTH,
  MAX_PROPERTY_TEXT_LENGTH,
  PROPERTY_KEY_PATTERN,
  PROPERTY_RESERVED_WORDS,
  checkPagePropertiesFast,
  isPropertyKey,
  pageProperties,
  slotProperties,
} from './contracts/page-properties.js';
export type { PageProperties, PropertyValue } from './contracts/page-properties.js';
export {
  MAX_PROPERTY_EXPRESSION_DEPTH,
  MAX_PROPERTY_EXPRESSION_LENGTH,
  MAX_PROPERTY_EXPRESSION_TESTS,
  MAX_PROPERTY_IN_LIST_LENGTH,
  parsePropertyExpression,
  printPropertyExpression,
} from './contracts/property-expression.js';
export type {
  PropertyComparison,
  PropertyExpression,
  PropertyExpressionFault,
  PropertyExpressionParse,
  PropertyLiteral,
} from './contracts/property-expression.js';
export { evaluatePropertyExpression } from './contracts/property-expression-evaluator.js';

// Inventory forecasting: opportunities serving records, and the forecast ads-data-api answers.
export * as forecast from './contracts/forecast.js';
export {
  DEFAULT_OPPORTUNITY_SAMPLE_SIZE,
  MAX_OPPORTUNITY_SAMPLE_SIZE,
  FORECAST_LOOKBACK_DAYS,
  FORECAST_MAX_DAYS,
  OPPORTUNITY_RETENTION_DAYS,
  OPPORTUNITY_KEY_TTL_SECONDS,
  OPPORTUNITY_SETTLE_MS,
  visitorHash,
  samplePriority,
} from './contracts/forecast.js';
export type {
  OpportunitySample,
  OpportunityHourIngest,
  OpportunityDayIngest,
  ForecastRequest,
  ForecastDay,
  ForecastResponse,
} from './contracts/forecast.js';

// Redis key layout.
export { RedisKeys, redisKeys, hourBucket, dayBucket } from './redis/redis-keys.js';
export { adScore, scoreVersionMeta, SCORE_META_FIELD, SCORE_MAX_AGE_MS } from './contracts/scores.js';
export type { AdScore, ScoreVersionMeta } from './contracts/scores.js';
export { timeSeriesPoint, timeSeriesMeta } from './contracts/time-series.js';
export type { TimeSeriesPoint, TimeSeriesMeta } from './contracts/time-series.js';

// Typed stores of the feedback loop (time series, score versions).
export { TimeSeriesStore, timeSeriesCovers, timeSeriesField } from './redis/time-series-store.js';
export type {
  TimeSeriesBucket,
  TimeSeriesEntry,
  TimeSeriesGranularity,
  TimeSeriesLevel,
  TimeSeriesView,
} from './redis/time-series-store.js';
export { ScoreStore, newScoreVersionId, isScoreVersionFresh } from './redis/score-store.js';
export type { ScoreVersion, ScoreFlip } from './redis/score-store.js';
export { RedisValueError, RedisWriteError } from './redis/redis-store-errors.js';
export { redisUrlSetting, redactRedisUrl, parseRedisClusterUrl } from './redis/redis-url.js';
export type { RedisClusterUrl } from './redis/redis-url.js';
export type { RedisClient } from './redis/redis-client.js';
export { scanKeys } from './redis/scan-keys.js';
export {
  KNOWN_PLACEHOLDER_SECRETS,
  MIN_SECRET_BITS,
  MIN_SECRET_LENGTH,
  SECRET_RECIPE,
  checkProductionSecret,
  productionSecretProblems,
  secretStrengthBits,
} from './config/production-secret.js';
export { readInventorySnapshot } from './data-api/read-inventory-snapshot.js';
export type {
  InventorySnapshot,
  SnapshotCampaign,
  SnapshotAd,
  SnapshotPlacement,
  SnapshotFeatureSwitch,
} from './data-api/read-inventory-snapshot.js';
export {
  EARLIEST_EVENT_AT,
  EVENTS_ROLLUP_GROUP,
  LATEST_EVENT_AT,
  MAX_EVENT_SPEND_MICROS,
  TRACKING_EVENT_FIELD,
  encodeTrackingEvent,
  decodeTrackingEvent,
} from './redis/events-stream.js';
export type { DecodedTrackingEvent } from './redis/events-stream.js';
export { EventsStreamStore } from './redis/events-stream-store.js';
export type {
  ClaimedBatch,
  EventsStreamBacklog,
  EventsStreamEntry,
  EventsStreamPosition,
  PendingEntry,
} from './redis/events-stream-store.js';
export { compareStreamIds, nextStreamId, streamIdRange } from './redis/stream-id.js';
export { localDay, utcHoursOfLocalDay } from './time/local-day.js';
export { localWallClock } from './time/local-wall-clock.js';
export type { LocalWallClock } from './time/local-wall-clock.js';
export { seededRng } from './random/seeded-rng.js';
export { stringHash } from './random/string-hash.js';
export type { Rng } from './random/seeded-rng.js';

// Serving index (cache-warming writes, serving reads).
export {
  SERVING_INDEX_FORMAT,
  SERVING_INDEX_FIELDS,
  servingIndexAd,
  servingIndexCampaign,
  servingIndexPlacement,
  servingIndexMeta,
} from './contracts/serving-index.js';
export type {
  ServingIndex,
  ServingIndexAd,
  ServingIndexCampaign,
  ServingIndexPlacement,
  ServingIndexMeta,
  ServingFeatureSwitch,
} from './contracts/serving-index.js';
export { ServingIndexStore, ServingIndexError, encodeServingIndex } from './redis/serving-index-store.js';
export type {
  ServingIndexParts,
  EncodedServingIndex,
  ServingIndexErrorCode,
  ServingIndexPublication,
  ServingIndexRollback,
} from './redis/serving-index-store.js';

// REST API of ads-data-api: contracts of lists, reports, keys, audit log, problems; typed client.
export * as rest from './contracts/rest.js';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_REPORT_HOURS, MAX_REPORT_DAYS } from './contracts/rest.js';
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
} from './contracts/rest.js';
export { createDataApiRestClient } from './rest/data-api-rest-client.js';
export type {
  DataApiRestClient,
  DataApiRestClientOptions,
  ResourceClient,
  Tagged,
  PostOptions,
  IfMatchOptions,
  ListQuery,
} from './rest/data-api-rest-client.js';
export { DataApiProblemError } from './rest/data-api-problem-error.js';
export { eCpmMicros, spendPerEvent } from './contracts/pricing.js';
export type { BidType } from './contracts/pricing.js';
