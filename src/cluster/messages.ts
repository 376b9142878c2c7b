// What the primary and its workers say to each other over the cluster's IPC channel.
// Worker → primary: `hello` once it listens (answered with the sync state), `lease` asks
// to read the meta checkout (answered by `leased` when no update runs), `release` ends
// that read, `sync` passes on a webhook's request. Primary → worker: `leased`, `meta`
// after each swap (load the checkout again), `sync-state` when the sync state changes.
// With COMMUNITIES each community has its own checkout: `lease`, `sync`, `meta` and
// `sync-state` name it (`community`, its key); null is the single meta repository.
// The derivation throttle is the instance's, kept by the primary: `derive-take` asks for
// a place (answered by `derive-answer`), `derive-give` hands one back (no derivation
// happened after all). Metrics are the instance's: the primary asks each worker for its
// figures (`metrics-ask`, answered by `metrics-told`); a worker whose main listener was
// scraped asks the primary for the instance's (`metrics-want`, answered by `metrics-text`).
// Everything read here comes from another process: parsed strictly, or ignored (null).

/** One voter's derivation in one election (who: the ballot service's voterKey), and the limit it counts against. */
export interface DerivationPlace {
  community: string | null;
  who: string;
  /** ms since the epoch: the worker's clock when it asked. */
  at: number;
  max: number;
  windowMinutes: number;
}

/** One metric as prom-client's `getMetricsAsJSON` gives it, as AggregatorRegistry.aggregate reads it. */
export interface MetricJson {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  aggregator: 'omit' | 'sum' | 'first' | 'min' | 'max' | 'average';
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

export type ToPrimary =
  | { scrutin: 'hello' }
  | { scrutin: 'lease'; id: number; community: string | null }
  | { scrutin: 'release'; id: number }
  | { scrutin: 'sync'; reason: string; community: string | null }
  | ({ scrutin: 'derive-take'; id: number } & DerivationPlace)
  | ({ scrutin: 'derive-give' } & DerivationPlace)
  | { scrutin: 'metrics-want'; id: number }
  | { scrutin: 'metrics-told'; id: number; metrics: MetricJson[] };

/** The primary's sync state: a worker's readiness and metrics report it (a failing fetch makes every worker stale). */
export interface PrimarySync {
  state: 'ok' | 'degraded' | 'empty';
  lastError: string | null;
  /** ms since the epoch, or null. */
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
}

export type ToWorker =
  | { scrutin: 'leased'; id: number }
  | { scrutin: 'meta'; revision: string | null; community: string | null }
  | ({ scrutin: 'sync-state'; community: string | null } & PrimarySync)
  | { scrutin: 'derive-answer'; id: number; ok: true }
  | { scrutin: 'derive-answer'; id: number; ok: false; retryAfterSeconds: number }
  | { scrutin: 'metrics-ask'; id: number }
  | { scrutin: 'metrics-text'; id: number; text: string }
  | { scrutin: 'metrics-text'; id: number; text: null; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A community key as sent (absent: the single repository). Keys are short slugs (SPEC §10). */
function communityOf(message: Record<string, unknown>): string | null | undefined {
  const c = message.community;
  if (c === undefined || c === null) return null;
  return typeof c === 'string' && c.length <= 200 ? c : undefined;
}

/** A request number: a non-negative safe integer. */
function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A time in ms since the epoch, as Date accepts it. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 8.64e15;
}

/** The longest `who` (`<user id>|<election key>`) and the widest limit accepted over IPC. */
const MAX_WHO = 400;
const MAX_PLACES = 100_000;
const MAX_WINDOW_MINUTES = 7 * 24 * 60;

function placeOf(message: Record<string, unknown>, community: string | null): DerivationPlace | null {
  const { who, at, max, windowMinutes } = message;
  if (typeof who !== 'string' || who.length === 0 || who.length > MAX_WHO || !/^\d+\|/.test(who)) return null;
  if (!isTime(at)) return null;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1 || max > MAX_PLACES) return null;
  if (typeof windowMinutes !== 'number' || !Number.isFinite(windowMinutes) || windowMinutes <= 0 || windowMinutes > MAX_WINDOW_MINUTES)
    return null;
  return { community, who, at, max, windowMinutes };
}

const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary']);
const AGGREGATORS = new Set(['omit', 'sum', 'first', 'min', 'max', 'average']);
/** Generous bounds on one worker's figures (a few hundred series in practice). */
const MAX_METRICS = 2_000;
const MAX_VALUES = 100_000;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A worker's metrics as sent, checked so that the primary's aggregation cannot throw or print nonsense. */
function metricsOf(value: unknown): MetricJson[] | null {
  if (!Array.isArray(value) || value.length > MAX_METRICS) return null;
  const metrics: MetricJson[] = [];
  let values = 0;
  for (const m of value as unknown[]) {
    if (!isRecord(m)) return null;
    const { name, help, type, aggregator } = m;
    if (typeof name !== 'string' || name.length > 200 || !METRIC_NAME.test(name)) return null;
    if (typeof help !== 'string' || help.length > 2_000) return null;
    if (typeof type !== 'string' || !METRIC_TYPES.has(type)) return null;
    // prom-client leaves it out for the default (sum); an unknown one would make aggregate() throw.
    const agg = aggregator ?? 'sum';
    if (typeof agg !== 'string' || !AGGREGATORS.has(agg)) return null;
    if (!Array.isArray(m.values)) return null;
    values += m.values.length;
    if (values > MAX_VALUES) return null;
    const checked: MetricJson['values'] = [];
    for (const v of m.values as unknown[]) {
      if (!isRecord(v) || !isRecord(v.labels) || Array.isArray(v.labels)) return null;
      // JSON turns NaN (a gauge with nothing to say yet) into null.
      const number = v.value === null ? Number.NaN : v.value;
      if (typeof number !== 'number') return null;
      const labels: Record<string, string | number> = {};
      for (const [k, l] of Object.entries(v.labels)) {
        if (!METRIC_NAME.test(k) || (typeof l !== 'string' && typeof l !== 'number') || String(l).length > 1_000) return null;
        labels[k] = l;
      }
      if (v.metricName !== undefined && (typeof v.metricName !== 'string' || !METRIC_NAME.test(v.metricName))) return null;
      checked.push({ value: number, labels, ...(typeof v.metricName === 'string' ? { metricName: v.metricName } : {}) });
    }
    metrics.push({ name, help, type: type as MetricJson['type'], aggregator: agg as MetricJson['aggregator'], values: checked });
  }
  return metrics;
}

export function toPrimary(message: unknown): ToPrimary | null {
  if (!isRecord(message)) return null;
  if (message.scrutin === 'hello') return { scrutin: 'hello' };
  if (message.scrutin === 'metrics-want') return isId(message.id) ? { scrutin: 'metrics-want', id: message.id } : null;
  if (message.scrutin === 'metrics-told') {
    const metrics = isId(message.id) ? metricsOf(message.metrics) : null;
    return metrics === null ? null : { scrutin: 'metrics-told', id: message.id as number, metrics };
  }
  const community = communityOf(message);
  if (community === undefined) return null;
  if (message.scrutin === 'lease' && isId(message.id)) return { scrutin: 'lease', id: message.id, community };
  if (message.scrutin === 'release' && isId(message.id)) return { scrutin: 'release', id: message.id };
  if (message.scrutin === 'sync' && typeof message.reason === 'string')
    return { scrutin: 'sync', reason: message.reason.slice(0, 200), community };
  if (message.scrutin === 'derive-take' && isId(message.id)) {
    const place = placeOf(message, community);
    return place === null ? null : { scrutin: 'derive-take', id: message.id, ...place };
  }
  if (message.scrutin === 'derive-give') {
    const place = placeOf(message, community);
    return place === null ? null : { scrutin: 'derive-give', ...place };
  }
  return null;
}

export function toWorker(message: unknown): ToWorker | null {
  if (!isRecord(message)) return null;
  if (message.scrutin === 'leased') return isId(message.id) ? { scrutin: 'leased', id: message.id } : null;
  if (message.scrutin === 'metrics-ask') return isId(message.id) ? { scrutin: 'metrics-ask', id: message.id } : null;
  if (message.scrutin === 'derive-answer' && isId(message.id)) {
    if (message.ok === true) return { scrutin: 'derive-answer', id: message.id, ok: true };
    const retry = message.retryAfterSeconds;
    if (message.ok === false && typeof retry === 'number' && Number.isSafeInteger(retry) && retry >= 1 && retry <= MAX_WINDOW_MINUTES * 60)
      return { scrutin: 'derive-answer', id: message.id, ok: false, retryAfterSeconds: retry };
    return null;
  }
  if (message.scrutin === 'metrics-text' && isId(message.id)) {
    if (typeof message.text === 'string') return { scrutin: 'metrics-text', id: message.id, text: message.text };
    if (message.text === null && typeof message.reason === 'string')
      return { scrutin: 'metrics-text', id: message.id, text: null, reason: message.reason.slice(0, 200) };
    return null;
  }
  const community = communityOf(message);
  if (community === undefined) return null;
  if (message.scrutin === 'meta' && (typeof message.revision === 'string' || message.revision === null))
    return { scrutin: 'meta', revision: message.revision, community };
  const when = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (message.scrutin === 'sync-state' && (message.state === 'ok' || message.state === 'degraded' || message.state === 'empty'))
    return {
      scrutin: 'sync-state',
      community,
      state: message.state,
      lastError: typeof message.lastError === 'string' ? message.lastError : null,
      lastSuccessAt: when(message.lastSuccessAt),
      lastErrorAt: when(message.lastErrorAt),
    };
  return null;
}
