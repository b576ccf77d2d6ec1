import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import type { ApiKeyRole, Principal } from '../domain/principal';
import { authenticateApiKey } from '../store/api-key-store';
import { sendProblem } from './problem';

/** The principal that `requireApiKey` established for this request. */
export function principalOf(response: Response): Principal {
  return response.locals.principal as Principal;
}

/**
 * Express middleware: a valid bearer API key with one of `roles` is required; 401 without
 * a valid key, 403 with a key of another role.
 */
export function requireApiKey({ prisma, logger }: { prisma: PrismaClient; logger: Logger }, roles: readonly ApiKeyRole[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.get('authorization') ?? '');
    if (match === null) {
      response.set('www-authenticate', 'Bearer');
      sendProblem(response, 401, 'UNAUTHORIZED', 'an API key is required: send "Authorization: Bearer <key>"');
      return;
    }
    authenticateApiKey(prisma, match[1]!, logger)
      .then((principal) => {
        if (principal === null) {
          response.set('www-authenticate', 'Bearer error="invalid_token"');
          sendProblem(response, 401, 'UNAUTHORIZED', 'the API key is unknown or revoked');
          return;
        }
        if (!roles.includes(principal.role)) {
          sendProblem(response, 403, 'FORBIDDEN', `this endpoint needs a key with role ${roles.join(' or ')}, not ${principal.role}`);
          return;
        }
        response.locals.principal = principal;
        next();
      })
      .catch(next);
  };
}
