import { RedisValueError, type RedisClient } from '@ads/ads-client';
import { isServiceError } from '@ads/ads-client/service';
import { ScoringError } from '../errors';

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a Redis reply says the key holds another type than its contract's (a damaged key). */
export function isWrongTypeReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('WRONGTYPE');
}

/**
 * Turns what a Redis call threw into the catalogue's error: a value breaking its contract is
 * REDIS_DATA_INVALID naming the key, a lost connection (after ioredis' retries) is
 * REDIS_UNAVAILABLE. Anything else (a bug, an unexpected reply) is returned as it is.
 */
export function redisFailure(redis: RedisClient, operation: string, error: unknown): unknown {
  if (isServiceError(error)) return error;
  if (error instanceof RedisValueError) {
    return new ScoringError('REDIS_DATA_INVALID', `${operation}: ${error.key} does not match its contract: ${error.message}`, {
      cause: error,
    });
  }
  if (isWrongTypeReply(error)) {
    return new ScoringError('REDIS_DATA_INVALID', `${operation}: ${(error as Error).message}`, { cause: error });
  }
  if (error instanceof Error && isConnectionFailure(redis, error)) {
    return new ScoringError('REDIS_UNAVAILABLE', `Redis became unreachable during ${operation}: ${error.message}`, { cause: error });
  }
  return error;
}

/** Runs one Redis step of a run, reporting its failure with the catalogue's code. */
export async function guardRedis<T>(redis: RedisClient, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw redisFailure(redis, operation, error);
  }
}

function isConnectionFailure(redis: RedisClient, error: Error): boolean {
  if (error.name === 'ReplyError') return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && connectionErrorCodes.has(code)) return true;
  // "Connection is closed.", "Stream isn't writeable…": ioredis' own errors once the socket is gone.
  return redis.status !== 'ready' || /connection is closed|stream isn't writeable/i.test(error.message);
}
