// A real SMTP server for one test file (smtp-server, on a free port) and a small MIME reader for what it receives:
// enough for nodemailer's messages (multipart/alternative, quoted-printable or base64, encoded-word subjects).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { waitFor } from '@jobgraph/kit/testing';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  /** The decoded text/plain part. */
  text: string;
  /** The decoded text/html part. */
  html: string;
  raw: string;
}

/** Receives mail on 127.0.0.1; can be stopped and started again on the same port (an SMTP outage). */
export class TestMailbox {
  readonly messages: ReceivedMail[] = [];
  /** Recipients refused with a temporary error (451) while they are in this set. */
  readonly refused = new Set<string>();
  port = 0;
  private server: SMTPServer | null = null;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200,
      onRcptTo: (address, _session, callback) => {
        if (this.refused.has(address.address.toLowerCase())) {
          const err = new Error('mailbox temporarily unavailable') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('latin1');
          this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), ...readMime(raw), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages to `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** The first message to `address` whose subject matches, once it has arrived. */
  next(address: string, subject: RegExp, timeoutMs = 10_000): Promise<ReceivedMail> {
    return waitFor(() => this.to(address).find((m) => subject.test(m.subject)), timeoutMs, `an email to ${address} about ${subject}`);
  }
}

/** A mailbox started before the stack (register it before `useStack`) and stopped after the file. */
export function useMailbox(): TestMailbox {
  const mailbox = new TestMailbox();
  beforeAll(() => mailbox.start());
  afterAll(() => mailbox.stop());
  return mailbox;
}

// --- MIME ------------------------------------------------------------------------------------------------------------

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = new Map<string, string>();
  // Unfold continuation lines, then split "Name: value".
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function parameter(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(header);
  return m ? m[1] : null;
}

/** Quoted-printable (RFC 2045 §6.7) to bytes: soft line breaks removed, =XX decoded. */
export function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(part.body)
        : Buffer.from(part.body, 'latin1');
  return bytes.toString('utf8');
}

/** `=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=` encoded words (RFC 2047); whitespace between two of them disappears. */
export function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')).toString('utf8'),
    );
}

function leaves(part: Part, found: { text: string | null; html: string | null }): void {
  const type = part.headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = parameter(type, 'boundary');
    if (!boundary) return;
    const sections = part.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    // Before the first boundary is the preamble, after the closing one the epilogue.
    for (const section of sections.slice(1, -1)) leaves(splitPart(section), found);
    return;
  }
  if (/^text\/plain/i.test(type)) found.text ??= decodeBody(part);
  else if (/^text\/html/i.test(type)) found.html ??= decodeBody(part);
}

/** Subject and the decoded text and HTML parts of a raw message. */
export function readMime(raw: string): { subject: string; text: string; html: string } {
  const message = splitPart(raw);
  const found: { text: string | null; html: string | null } = { text: null, html: null };
  leaves(message, found);
  return { subject: decodeHeader(message.headers.get('subject') ?? ''), text: found.text ?? '', html: found.html ?? '' };
}
