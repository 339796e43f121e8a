import { describe, expect, it } from 'vitest';
import { nonPublicKind, parseIPv6 } from '../../src/webhooks/ip-ranges.js';
import { checkUrlSyntax, checkWebhookUrl } from '../../src/webhooks/url-guard.js';

const strict = { allowPrivate: false };
const lax = { allowPrivate: true };

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fc00::1', 'unique_local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['ff02::1', 'multicast'],
    ['224.0.0.1', 'multicast'],
    ['not-an-ip', 'reserved'],
    ['fe80::1%eth0', 'link_local'],
    // IPv6 transition forms are judged by the IPv4 host they reach ...
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1:1::5', 'private'],
    ['2002:a9fe:a9fe::1', 'link_local'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:10.1.2.3', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['64:ff9b::c0a8:1', 'private'],
    // ... or refused outright: Teredo, local-use NAT64, IPv4-compatible, documentation.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001::808:808', 'reserved'],
    ['64:ff9b:1::808:808', 'private'],
    ['64:ff9b:1:a00:1::', 'private'],
    ['::7f00:1', 'reserved'],
    ['::808:808', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(nonPublicKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::1',
    '::ffff:0:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('%s is public', (address) => {
    expect(nonPublicKind(address)).toBeNull();
  });

  it('expands IPv6 text to eight groups', () => {
    expect(parseIPv6('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('1.2.3.4')).toBeNull();
  });
});

describe('URL checks', () => {
  it('accepts public http(s) URLs', () => {
    expect(checkUrlSyntax('https://hooks.example.com/milkrun', strict).ok).toBe(true);
    expect(checkUrlSyntax('http://8.8.8.8:8080/x', strict).ok).toBe(true);
  });

  it('refuses other schemes, credentials and junk', () => {
    expect(checkUrlSyntax('ftp://example.com/', strict)).toMatchObject({ ok: false, code: 'unsupported_scheme' });
    expect(checkUrlSyntax('file:///etc/passwd', strict)).toMatchObject({ ok: false, code: 'unsupported_scheme' });
    expect(checkUrlSyntax('https://u:p@example.com/', strict)).toMatchObject({ ok: false, code: 'credentials_in_url' });
    expect(checkUrlSyntax('not a url', strict)).toMatchObject({ ok: false, code: 'invalid_url' });
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00::1]/',
    'http://10.0.0.5/',
    'http://[2002:7f00:1::]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[64:ff9b:1::a00:1]/',
  ])('refuses %s unless private destinations are allowed', (url) => {
    expect(checkUrlSyntax(url, strict)).toMatchObject({ ok: false, code: 'private_address' });
    expect(checkUrlSyntax(url, lax).ok).toBe(true);
  });

  it('refuses hostnames resolving to a private address, any of them', async () => {
    const resolver = (answers: Record<string, string[]>) => async (host: string) => answers[host] ?? [];
    const dns = resolver({ 'internal.example': ['93.184.216.34', '10.0.0.7'], 'sixtofour.example': ['2002:a9fe:a9fe::1'], 'public.example': ['93.184.216.34'], 'localhost': ['127.0.0.1', '::1'] });
    expect(await checkWebhookUrl('https://internal.example/x', strict, dns)).toMatchObject({ ok: false, code: 'private_address' });
    expect(await checkWebhookUrl('http://localhost:3000/', strict, dns)).toMatchObject({ ok: false, code: 'private_address' });
    expect(await checkWebhookUrl('https://sixtofour.example/', strict, dns)).toMatchObject({ ok: false, code: 'private_address' });
    expect((await checkWebhookUrl('https://public.example/x', strict, dns)).ok).toBe(true);
    expect(await checkWebhookUrl('https://nowhere.example/x', strict, dns)).toMatchObject({ ok: false, code: 'unresolvable_host' });
    expect((await checkWebhookUrl('http://localhost:3000/', lax, dns)).ok).toBe(true);
  });
});
