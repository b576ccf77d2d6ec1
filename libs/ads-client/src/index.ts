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
