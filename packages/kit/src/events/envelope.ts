import { newId } from '../ids.js';

/** The wire shape of every domain event (DESIGN.md §3). */
export interface EventEnvelope<TData = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  data: TData;
}

export function makeEnvelope<TData>(
  producer: string,
  type: string,
  data: TData,
  meta: { correlationId: string; causationId?: string | null; version?: number },
): EventEnvelope<TData> {
  return {
    id: newId(),
    type,
    version: meta.version ?? 1,
    occurredAt: new Date().toISOString(),
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    producer,
    data,
  };
}

/** Narrows untrusted bytes from the broker to an envelope, or explains what is wrong. */
export function parseEnvelope(raw: Buffer): EventEnvelope | string {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'body is not an object';
  const v = value as Record<string, unknown>;
  for (const key of ['id', 'type', 'occurredAt', 'correlationId', 'producer'] as const) {
    if (typeof v[key] !== 'string') return `envelope field "${key}" is missing or not a string`;
  }
  if (typeof v.version !== 'number') return 'envelope field "version" is missing or not a number';
  if (typeof v.data !== 'object' || v.data === null) return 'envelope field "data" is missing';
  return value as EventEnvelope;
}
