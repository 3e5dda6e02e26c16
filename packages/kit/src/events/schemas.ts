import { z } from 'zod';
import { isUuid } from '../ids.js';

/**
 * Field schemas every consumer's event schema is built from (ConsumedEvent.schema), so that "a UUID" and "money"
 * mean the same in every subgraph that reads another's events.
 */
export const uuidField = z.string().refine(isUuid, 'must be a UUID');

/** Money as events carry it: integer minor units and an ISO 4217 code (DESIGN.md §2). */
export const moneyField = z.object({
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
});
