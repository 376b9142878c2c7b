// Structured JSON logs (pino). Anything that could carry a secret or a ballot is
// redacted at the source: passphrases, OAuth codes and tokens, cookies, and the
// ranked fields of a ballot form never reach a log line.
import type { LoggerOptions } from 'pino';

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'password',
  'passphrase',
  'token',
  'accessToken',
  'access_token',
  'code',
  'body',
  '*.password',
  '*.passphrase',
  '*.token',
  '*.access_token',
  '*.body',
  // mysql2 puts the statement, values inlined (a ballot's rows, a sealed link), on
  // its errors; a 500 logs the error with its properties.
  'err.sql',
  '*.sql',
  'err.parameters',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // Query strings may hold an OAuth `code` or `state`: log the path only.
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        url: req.url?.split('?')[0],
        route: req.routeOptions?.url,
        id: req.id,
      }),
    },
  };
}
