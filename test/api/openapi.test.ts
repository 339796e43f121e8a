import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES } from '../../src/errors.js';
import { ERROR_STATUS } from '../../src/api/errors.js';
import { OPERATIONS } from '../../src/api/schemas/operations.js';
import { pingFrame, stopEventFrame, subscribeFrame } from '../../src/tracking/messages.js';
import { makeApp, removeDir, type TestApp } from './helpers.js';

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }>;
  'x-error-codes'?: string[];
}

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

describe('API documents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('documents every operation: summary, description, error codes with the envelope, headers, 415 and 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    expect(doc.components.schemas.ErrorEnvelope).toBeDefined();
    let count = 0;
    const seen: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        count++;
        seen.push(name);
        expect(op.summary, name).toMatch(/\S/);
        expect(op.description, name).toMatch(/\S/);
        const codes = op['x-error-codes'] ?? [];
        expect(codes.length, name).toBeGreaterThan(0);
        for (const code of ['unauthorized', 'validation_error', 'unknown_field', 'rate_limited', 'internal']) expect(codes, name).toContain(code);
        for (const code of codes) {
          expect(Object.keys(ERROR_CODES), name).toContain(code);
          expect(op.description, name).toContain(`\`${code}\``);
          const response = op.responses[String(ERROR_STATUS[code as keyof typeof ERROR_STATUS])];
          expect(response, `${name} ${code}`).toBeDefined();
          expect(response!.description, `${name} ${code}`).toContain(code);
          expect(response!.content?.['application/json']?.schema?.$ref, name).toBe('#/components/schemas/ErrorEnvelope');
        }
        // No error status is documented without a code that answers it.
        for (const status of Object.keys(op.responses).filter((s) => Number(s) >= 400)) {
          expect(codes.some((c) => String(ERROR_STATUS[c as keyof typeof ERROR_STATUS]) === status), `${name} ${status}`).toBe(true);
        }
        expect(op.responses['500'], name).toBeDefined();
        expect(op.responses['401'], name).toBeDefined();
        expect(op.responses['429'], name).toBeDefined();
        const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
        expect(headers, name).toContain('X-Request-Id');
        for (const [status, response] of Object.entries(op.responses)) {
          expect(response.headers?.['X-Request-Id'], `${name} ${status}`).toBeDefined();
        }
        if (WRITES.has(method)) {
          expect(headers, name).toContain('Idempotency-Key');
          for (const code of ['forbidden', 'unsupported_media_type', 'idempotency_conflict']) expect(codes, name).toContain(code);
          expect(op.responses['415'], name).toBeDefined();
          expect(op.responses['403'], name).toBeDefined();
          expect(op.responses['409'], name).toBeDefined();
        } else {
          expect(headers, name).not.toContain('Idempotency-Key');
          expect(op.responses['415'], name).toBeUndefined();
        }
        if (path.includes('{')) expect(op.responses['404'], name).toBeDefined();
      }
    }
    // Every documented operation has its entry in the table, and the table names no operation that is gone.
    expect(seen.sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(count).toBe(seen.length);
    // Specific codes where they belong.
    expect(doc.paths['/api/v1/stops/{id}/status']!.post!['x-error-codes']).toContain('invalid_transition');
    expect(doc.paths['/api/v1/routes/plan']!.post!['x-error-codes']).toContain('unsolvable');
    expect(doc.paths['/api/v1/routes/plan']!.post!.responses['422']).toBeDefined();
    expect(doc.paths['/api/v1/webhooks']!.post!['x-error-codes']).toContain('webhook_url_refused');
  });

  it('shows request bodies as strict', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const body = doc.paths['/api/v1/stops'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.priority.minimum).toBe(0);
    expect(body.properties.priority.description).toMatch(/0 means unset/);
  });

  it('serves an AsyncAPI 3.0 document of both WebSockets from their zod schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/asyncapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.driver.address).toBe('/ws/driver');
    expect(doc.channels.live.address).toBe('/ws/live');
    expect(Object.keys(doc.channels.driver.messages)).toEqual(expect.arrayContaining(['ping', 'stop_event', 'ack', 'driver_error']));
    expect(Object.keys(doc.channels.live.messages)).toEqual(expect.arrayContaining(['subscribe', 'subscribed', 'driver_update', 'live_error']));
    const strip = (schema: Record<string, unknown>) => {
      const { $schema: _ignored, ...rest } = schema;
      return rest;
    };
    // The payloads are the schemas the hub validates with, not a hand-written copy.
    const toJson = (s: z.ZodType) => strip(z.toJSONSchema(s, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
    expect(doc.components.messages.ping.payload.schema).toEqual(toJson(pingFrame));
    expect(doc.components.messages.stop_event.payload.schema).toEqual(toJson(stopEventFrame));
    expect(doc.components.messages.subscribe.payload.schema).toEqual(toJson(subscribeFrame));
    expect(doc.components.messages.ack.payload.schema.required).toEqual(expect.arrayContaining(['type', 'seq']));
    // Every operation points at a channel and a message that exist.
    for (const [id, op] of Object.entries<{ action: string; channel: { $ref: string }; messages: { $ref: string }[] }>(doc.operations)) {
      expect(['send', 'receive'], id).toContain(op.action);
      const channel = op.channel.$ref.replace('#/channels/', '');
      expect(doc.channels[channel], id).toBeDefined();
      for (const m of op.messages) {
        const [, , ch, , msg] = m.$ref.split('/');
        expect(doc.channels[ch!].messages[msg!], id).toBeDefined();
      }
    }
  });
});
