import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { nonPublicKind } from './ip-ranges.js';

export type UrlRefusalCode = 'invalid_url' | 'unsupported_scheme' | 'credentials_in_url' | 'private_address' | 'unresolvable_host';

export type UrlCheck = { ok: true; url: URL } | { ok: false; code: UrlRefusalCode; message: string };

export interface UrlGuardOptions {
  /** Allow loopback, private and link-local destinations (local development and tests). */
  allowPrivate: boolean;
}

/** Resolves a hostname to every address it has (A and AAAA). Injectable so tests need no real DNS. */
export type ResolveAll = (hostname: string) => Promise<string[]>;

export const resolveWithSystem: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses.map((a) => a.address));
    });
  });

/** URL hostnames keep IPv6 literals in brackets; addresses are compared without them. */
export function bareHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Checks what can be checked without the network: http(s) only, no credentials, and an IP-literal host must be
 * public. The WHATWG parser already normalises tricks like `http://2130706433/` or `http://0x7f.1/` to dotted form.
 */
export function checkUrlSyntax(raw: string, options: UrlGuardOptions): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid_url', message: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, code: 'unsupported_scheme', message: 'only http and https URLs are accepted' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, code: 'credentials_in_url', message: 'URLs with user:password are not accepted' };
  }
  const host = bareHost(url);
  if (host === '') return { ok: false, code: 'invalid_url', message: 'URL has no host' };
  if (!options.allowPrivate && isIP(host) !== 0) {
    const kind = nonPublicKind(host);
    if (kind !== null) return refusePrivate(host, kind);
  }
  return { ok: true, url };
}

function refusePrivate(address: string, kind: string): UrlCheck {
  return {
    ok: false,
    code: 'private_address',
    message: `destination ${address} is a ${kind.replace('_', '-')} address; set MILKRUN_WEBHOOKS_ALLOW_PRIVATE=1 to allow it`,
  };
}

/**
 * Full check used when an endpoint is created or changed: syntax, then every address the hostname resolves to
 * must be public. Delivery repeats the address check at connect time (see `guardedLookup`) because DNS answers
 * can change after creation.
 */
export async function checkWebhookUrl(raw: string, options: UrlGuardOptions, resolveAll: ResolveAll = resolveWithSystem): Promise<UrlCheck> {
  const syntax = checkUrlSyntax(raw, options);
  if (!syntax.ok || options.allowPrivate) return syntax;
  const host = bareHost(syntax.url);
  if (isIP(host) !== 0) return syntax;
  let addresses: string[];
  try {
    addresses = await resolveAll(host);
  } catch {
    return { ok: false, code: 'unresolvable_host', message: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, code: 'unresolvable_host', message: `host ${host} does not resolve` };
  for (const address of addresses) {
    const kind = nonPublicKind(address);
    if (kind !== null) return refusePrivate(address, kind);
  }
  return syntax;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFunction = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for http.request/https.request that refuses non-public answers. Checking the very addresses the
 * socket connects to closes the gap a DNS-rebinding attacker would use between validation and connection.
 */
export function guardedLookup(options: UrlGuardOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!options.allowPrivate) {
        for (const entry of addresses) {
          const kind = nonPublicKind(entry.address);
          if (kind !== null) {
            const refusal = new Error(`refused ${kind.replace('_', '-')} address ${entry.address} for ${hostname}`) as NodeJS.ErrnoException;
            refusal.code = 'EPRIVATEADDRESS';
            return callback(refusal, []);
          }
        }
      }
      if (lookupOptions.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`no address for ${hostname}`), []);
      return callback(null, first.address, first.family);
    });
  };
}
