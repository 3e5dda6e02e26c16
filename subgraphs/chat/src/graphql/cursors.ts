import { BadUserInputError, decodeCursor, isUuid } from '@jobgraph/kit';

/** A keyset cursor of (time, id), or BAD_USER_INPUT naming `field`. */
export function timeCursor(cursor: string | null | undefined, field: string): { at: string; id: string } | null {
  let values: (string | number)[] | null;
  try {
    values = decodeCursor(cursor, 2);
  } catch {
    throw new BadUserInputError(field, `${field} is not a cursor this list issued.`);
  }
  if (!values) return null;
  const [at, id] = values;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) {
    throw new BadUserInputError(field, `${field} is not a cursor this list issued.`);
  }
  return { at, id };
}
