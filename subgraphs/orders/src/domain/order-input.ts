import { BadUserInputError } from '@jobgraph/kit';

/** Limits of what users type into an order, and their normalisation (trimmed; control characters refused). */
export const LIMITS = {
  requirements: 5000,
  deliveryMessage: 5000,
  reason: 1000,
  disputeReason: 2000,
  note: 2000,
  fileUrls: 20,
  fileUrl: 2000,
  paymentMethod: 100,
} as const;

// Tabs and line breaks are text; other control characters (NUL, escapes) are not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Trimmed text of at most `max` characters; `min` 1 makes it required. */
export function text(field: string, value: string | null | undefined, max: number, min = 0): string {
  const v = (value ?? '').trim();
  if (CONTROL.test(v)) throw new BadUserInputError(field, `${field} must not contain control characters.`);
  if (v.length < min) throw new BadUserInputError(field, `${field} must not be empty.`);
  if (v.length > max) throw new BadUserInputError(field, `${field} must be at most ${max} characters (got ${v.length}).`);
  return v;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  const v = text(field, value, max);
  return v === '' ? null : v;
}

/** Links to delivered files: http(s) only, so nothing like javascript: or file: reaches a client. */
export function fileUrls(value: string[] | null | undefined): string[] {
  const urls = value ?? [];
  if (urls.length > LIMITS.fileUrls) throw new BadUserInputError('fileUrls', `At most ${LIMITS.fileUrls} files per delivery.`);
  return urls.map((raw, i) => {
    const u = raw.trim();
    let parsed: URL | null = null;
    try {
      parsed = u.length <= LIMITS.fileUrl ? new URL(u) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new BadUserInputError(`fileUrls[${i}]`, 'Each file URL must be an http or https URL of at most 2,000 characters.');
    }
    return parsed.toString();
  });
}

export function positiveDays(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new BadUserInputError(field, `${field} must be a whole number from 1 to ${max}.`);
  return value;
}
