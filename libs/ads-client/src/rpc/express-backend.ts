import express, { type Router } from 'express';
import type { RpcServer } from './rpc-server.js';

/**
 * The express backend: a router to mount with `app.use('/rpc', router)`. It costs several times
 * the node:http backend's throughput; use it where the app is express anyway.
 */
export function createExpressRpcRouter(server: RpcServer): Router {
  const router = express.Router();
  router.use(
    express.raw({ type: () => true, limit: server.maxBodyBytes }),
    (error: unknown, _request: express.Request, response: express.Response, next: express.NextFunction) => {
      if ((error as { type?: string }).type === 'entity.too.large') {
        const answer = server.tooLargeResponse();
        response.status(answer.status).set(answer.headers).send(Buffer.from(answer.body));
        return;
      }
      next(error);
    },
  );
  router.all('/{*path}', (request, response, next) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    Promise.resolve(server.handle({ method: request.method, path: request.path, headers: request.headers, body }))
      .then((answer) => {
        response
          .status(answer.status)
          .set(answer.headers)
          .send(typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body));
      })
      .catch(next);
  });
  return router;
}
