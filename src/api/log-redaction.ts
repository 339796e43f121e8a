/**
 * Tokens never reach a log line. Requests are logged by their URL, and browsers send the /ws/live token as
 * `?token=` (they cannot set headers on a WebSocket), so credential parameters are masked in the URL; the
 * Authorization header and cookies are censored wherever a log call puts request headers.
 */
import type { FastifyLoggerOptions, FastifyRequest } from 'fastify';

export const REDACTED = '[redacted]';

/** Query parameters that carry a credential (compared decoded and lower-cased, as a server would read them). */
const SECRET_PARAMS = new Set(['token', 'access_token', 'api_key']);

/** The parameter name as URLSearchParams reads it (the hub and fastify parse it that way: `%74oken` is `token`). */
function paramName(raw: string): string {
  return (new URLSearchParams(`${raw}=`).keys().next().value ?? '').toLowerCase();
}

/** `url` (path and query) with the value of every credential parameter replaced; the rest kept byte for byte. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hashAt = url.indexOf('#', q);
  const end = hashAt < 0 ? url.length : hashAt;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return SECRET_PARAMS.has(paramName(name)) ? `${name}=${REDACTED}` : part;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}${url.slice(end)}`;
}

const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key'];

/** pino options for fastify: level, destination (tests capture it), request serializer and header censoring. */
export function loggerOptions(
  level: string,
  stream?: NodeJS.WritableStream,
): FastifyLoggerOptions & { redact: { paths: string[]; censor: string } } {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    redact: {
      paths: SECRET_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
      censor: REDACTED,
    },
    serializers: {
      // fastify's own request serializer, with the URL masked.
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}
