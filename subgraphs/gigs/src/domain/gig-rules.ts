import { BadUserInputError } from '@jobgraph/kit';

/** Listing limits (a marketplace page, not a document store): sources are in the comments. */
export const GIG_LIMITS = {
  title: { min: 15, max: 80 },
  description: { min: 50, max: 5_000 },
  basicTitle: { min: 5, max: 60 },
  basicDescription: { min: 10, max: 300 },
  tags: { max: 5, itemMax: 24 },
  /** 5.00 to 50,000.00 in minor units: below the smallest marketplace order, above any single gig seen. */
  price: { min: 500, max: 5_000_000 },
  deliveryDays: { min: 1, max: 90 },
  coverImageUrl: { max: 500 },
  rejectionReason: { min: 5, max: 500 },
} as const;

function text(field: string, value: string, min: number, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) throw new BadUserInputError(field, `${field} must be ${min}–${max} characters long.`);
  return trimmed;
}

function int(field: string, value: number, min: number, max: number, unit = ''): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(field, `${field} must be a whole number from ${min} to ${max}${unit}.`);
  }
  return value;
}

export interface GigFields {
  title: string;
  description: string;
  basicTitle: string;
  basicDescription: string;
  categoryId: string;
  subCategoryId: string | null;
  tags: string[];
  price: number;
  deliveryDays: number;
  coverImageUrl: string | null;
}

/** Tags are lower-case words a buyer would type; duplicates collapse. */
export function normaliseTags(field: string, tags: string[]): string[] {
  if (tags.length > GIG_LIMITS.tags.max) throw new BadUserInputError(field, `${field} can have at most ${GIG_LIMITS.tags.max} entries.`);
  return [...new Set(tags.map((t, i) => text(`${field}[${i}]`, t, 2, GIG_LIMITS.tags.itemMax).toLowerCase()))];
}

/** Only http(s) images: anything else in an <img src> is an attack on buyers. */
export function normaliseImageUrl(field: string, raw: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError(field, `${field} must be an http or https URL.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || value.length > GIG_LIMITS.coverImageUrl.max) {
    throw new BadUserInputError(field, `${field} must be an http or https URL of at most ${GIG_LIMITS.coverImageUrl.max} characters.`);
  }
  return url.toString();
}

/** Validates whichever fields are present. Text is stored as typed (HTML is not interpreted, only shown as text). */
export function normaliseGigFields(input: { [K in keyof GigFields]?: GigFields[K] | null }): Partial<GigFields> {
  const out: Partial<GigFields> = {};
  const L = GIG_LIMITS;
  if (input.title != null) out.title = text('title', input.title, L.title.min, L.title.max);
  if (input.description != null) out.description = text('description', input.description, L.description.min, L.description.max);
  if (input.basicTitle != null) out.basicTitle = text('basicTitle', input.basicTitle, L.basicTitle.min, L.basicTitle.max);
  if (input.basicDescription != null) {
    out.basicDescription = text('basicDescription', input.basicDescription, L.basicDescription.min, L.basicDescription.max);
  }
  if (input.categoryId != null) out.categoryId = input.categoryId.trim();
  if (input.subCategoryId !== undefined) out.subCategoryId = input.subCategoryId?.trim() || null;
  if (input.tags != null) out.tags = normaliseTags('tags', input.tags);
  if (input.price != null) out.price = int('price', input.price, L.price.min, L.price.max, ' (minor units)');
  if (input.deliveryDays != null) out.deliveryDays = int('deliveryDays', input.deliveryDays, L.deliveryDays.min, L.deliveryDays.max, ' days');
  if (input.coverImageUrl !== undefined) out.coverImageUrl = input.coverImageUrl === null ? null : normaliseImageUrl('coverImageUrl', input.coverImageUrl);
  return out;
}

export function normaliseRejectionReason(reason: string): string {
  return text('reason', reason, GIG_LIMITS.rejectionReason.min, GIG_LIMITS.rejectionReason.max);
}
