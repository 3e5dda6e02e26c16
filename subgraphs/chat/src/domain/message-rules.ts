import { BadUserInputError } from '@jobgraph/kit';

/** Limits of what one message may carry; the sources are in the comments. */
export const MESSAGE_LIMITS = {
  /** Characters (code points) of text: a long chat message, well short of a document. */
  body: { max: 5_000 },
  attachment: {
    name: { max: 255 },
    /** URLs longer than this are refused by common browsers and proxies. */
    url: { max: 2_048 },
    /** Bytes; GraphQL's Int is 32-bit, and 2 GB is beyond any file a chat should link to. */
    sizeBytes: { max: 2_000_000_000 },
    contentType: { max: 255 },
  },
} as const;

export interface AttachmentFields {
  name: string;
  url: string;
  sizeBytes: number;
  contentType: string;
}

export interface MessageContent {
  body: string;
  attachment: AttachmentFields | null;
}

/** A MIME type as RFC 6838 allows its names: `type/subtype`, no parameters. */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const length = (s: string): number => [...s].length;

/**
 * Only http(s) links, without credentials: anything else (javascript:, data:, file:) rendered as a link or image in
 * the other participant's browser would be an attack on them.
 */
export function normaliseLink(field: string, raw: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError(field, `${field} must be an http or https URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError(field, `${field} must be an http or https URL.`);
  if (url.username || url.password) throw new BadUserInputError(field, `${field} must not contain a user name or password.`);
  if (value.length > MESSAGE_LIMITS.attachment.url.max) {
    throw new BadUserInputError(field, `${field} must be at most ${MESSAGE_LIMITS.attachment.url.max} characters long.`);
  }
  return value;
}

export function normaliseAttachment(field: string, a: AttachmentFields): AttachmentFields {
  const name = a.name.trim();
  if (name.length === 0 || length(name) > MESSAGE_LIMITS.attachment.name.max || CONTROL.test(name)) {
    throw new BadUserInputError(`${field}.name`, `${field}.name must be 1–${MESSAGE_LIMITS.attachment.name.max} characters, without control characters.`);
  }
  if (!Number.isInteger(a.sizeBytes) || a.sizeBytes < 0 || a.sizeBytes > MESSAGE_LIMITS.attachment.sizeBytes.max) {
    throw new BadUserInputError(`${field}.sizeBytes`, `${field}.sizeBytes must be a whole number of bytes from 0 to ${MESSAGE_LIMITS.attachment.sizeBytes.max}.`);
  }
  const contentType = a.contentType.trim().toLowerCase();
  if (!CONTENT_TYPE.test(contentType) || contentType.length > MESSAGE_LIMITS.attachment.contentType.max) {
    throw new BadUserInputError(`${field}.contentType`, `${field}.contentType must be a media type such as "image/png".`);
  }
  return { name, url: normaliseLink(`${field}.url`, a.url), sizeBytes: a.sizeBytes, contentType };
}

/**
 * A message's text (trimmed) and attachment. Text is required unless a file is attached; either way at most
 * MESSAGE_LIMITS.body.max characters.
 */
export function normaliseMessage(input: { body?: string | null; attachment?: AttachmentFields | null }): MessageContent {
  const body = (input.body ?? '').trim();
  const attachment = input.attachment ? normaliseAttachment('attachment', input.attachment) : null;
  if (body.length === 0 && !attachment) throw new BadUserInputError('body', 'Write a message, or attach a file.');
  if (length(body) > MESSAGE_LIMITS.body.max) throw new BadUserInputError('body', `body must be at most ${MESSAGE_LIMITS.body.max} characters long.`);
  return { body, attachment };
}
