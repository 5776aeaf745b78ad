import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request, written when its answer has gone out: the request (method, URL with
 * its query values redacted, host, client), the status and the time taken, under the request id
 * and correlation id of the request's logger. Fastify's default writes two lines (`incoming
 * request`, then `request completed`), each a write to the log and a pass of the redaction paths;
 * this one line carries what both did. Every other line fastify writes (a failed response, a
 * stream error) is left as it is.
 * @example Fastify({ logger, logController: new OneLinePerRequest() })
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
