// Two things every request carries, so work it starts never outlives its purpose:
// - an AbortSignal that fires when the client goes away before its answer (a proxy that
//   gave up, a closed tab): the ballot use-cases leave the derivation queue and roll back
//   instead of casting or revoking unseen;
// - a database budget (DB_REQUEST_TIMEOUT): once the request has waited that long on the
//   database in total, its next wait fails at once and the request is answered 503.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DbBudget, runWithDbBudget } from '../storage/budget.js';
import type { AppContext } from './context.js';

interface RequestState {
  controller: AbortController;
  budget: DbBudget | null;
}

const states = new WeakMap<FastifyRequest, RequestState>();

/** Fires when the client of `req` has gone without waiting for the answer. */
export function requestSignal(req: FastifyRequest): AbortSignal | undefined {
  return states.get(req)?.controller.signal;
}

export function registerResilience(app: FastifyInstance, ctx: AppContext): void {
  const limitMs = ctx.config.dbLimits.requestMs;
  app.addHook('onRequest', (req, reply, done) => {
    const state: RequestState = { controller: new AbortController(), budget: limitMs > 0 ? new DbBudget(limitMs) : null };
    states.set(req, state);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) state.controller.abort();
    });
    if (state.budget === null) done();
    else runWithDbBudget(state.budget, done);
  });
  // Reading a body continues in the socket's async context, not the request's: enter
  // the budget again before the handler runs.
  app.addHook('preHandler', (req, _reply, done) => {
    const budget = states.get(req)?.budget ?? null;
    if (budget === null) done();
    else runWithDbBudget(budget, done);
  });
}
