/**
 * What each notification says, in-app and by email (plain text and HTML). Pure functions: data in, message out.
 *
 * A template describes its content as plain-text paragraphs; `render` builds both email parts from that, escaping
 * every string for the HTML part in one place, so no template can forget to escape a gig title or a username.
 */
import type { EmailVerified, Money, OfferSent, OrderEvent, PasswordResetRequested, ReviewCreated, UserRegistered } from '../events/consumed.js';
import { escapeHtml } from './escape-html.js';
import { NotificationKind } from './kinds.js';

/** Where the links in emails point. */
export interface Site {
  /** The web app, without a trailing slash, e.g. `https://jobgraph.example`. */
  publicUrl: string;
}

export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** One notification for one user: what the app lists, and the email that may go with it. */
export interface Message {
  kind: NotificationKind;
  title: string;
  /** Plain text for the in-app list. */
  body: string;
  /** Path in the web app that the in-app notification opens (never a secret token); null when there is none. */
  link: string | null;
  email: Email;
}

interface Content {
  kind: NotificationKind;
  /** In-app title and email subject. */
  title: string;
  /** The recipient's username, for the greeting; null when unknown. */
  recipientName: string | null;
  /** Plain-text paragraphs of the email (newlines inside one are kept as line breaks). */
  paragraphs: string[];
  /** The button of the email: its label and absolute URL. */
  action?: { label: string; url: string };
  /** Small print under the button. */
  footer?: string;
  /** In-app text; defaults to the first paragraph. */
  body?: string;
  link: string | null;
}

const SIGNATURE = '— JobGraph';
const SUBJECT_MAX = 120;

/** One line, bounded: a subject is a header, and a user's gig title must not make it unreadable. */
function oneLine(text: string, max = SUBJECT_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** 1999 USD → "$19.99", with the currency's own number of decimals (JPY has none). */
export function formatMoney(money: Money): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
  return format.format(money.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** "2026-11-23 14:05 UTC": unambiguous wherever the reader lives. */
export function formatDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const quoted = (text: string): string => `“${text.trim()}”`;
const days = (n: number): string => (n === 1 ? '1 day' : `${n} days`);

export function render(content: Content): Message {
  const greeting = content.recipientName ? `Hi ${content.recipientName},` : 'Hi,';
  const subject = oneLine(content.title);
  const text = [
    greeting,
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}: ${content.action.url}`] : []),
    ...(content.footer ? [content.footer] : []),
    SIGNATURE,
  ].join('\n\n');
  const paragraph = (p: string, style = '') => `<p${style}>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,\'Segoe UI\',Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">',
    paragraph(greeting),
    ...content.paragraphs.map((p) => paragraph(p)),
    ...(content.action
      ? [
          `<p><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:10px 18px;background:#1dbf73;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(content.action.label)}</a></p>`,
          paragraph(`Or open this address: ${content.action.url}`, ' style="font-size:12px;color:#656d76"'),
        ]
      : []),
    ...(content.footer ? [paragraph(content.footer, ' style="font-size:12px;color:#656d76"')] : []),
    paragraph(SIGNATURE),
    '</div></body></html>',
  ].join('\n');
  return {
    kind: content.kind,
    title: subject,
    body: content.body ?? content.paragraphs[0] ?? '',
    link: content.link,
    email: { subject, text, html },
  };
}

const url = (site: Site, path: string): string => `${site.publicUrl}${path}`;

// --- account (auth) ------------------------------------------------------------------------------------------------

export function verificationMessage(site: Site, data: Pick<UserRegistered, 'username' | 'verificationToken' | 'verificationExpiresAt'>): Message {
  return render({
    kind: NotificationKind.EMAIL_VERIFICATION,
    title: 'Confirm your email address',
    recipientName: data.username,
    paragraphs: ['Welcome to JobGraph! Confirm that this address is yours to finish setting up your account.'],
    action: { label: 'Confirm my email address', url: url(site, `/verify-email?token=${encodeURIComponent(data.verificationToken)}`) },
    footer: `The link works once and expires on ${formatDate(data.verificationExpiresAt)}. If you did not sign up, ignore this email.`,
    // The token is in the email only: the in-app list is no place for a credential.
    body: 'We emailed you a link to confirm your address.',
    link: null,
  });
}

export function passwordResetMessage(site: Site, data: Pick<PasswordResetRequested, 'username' | 'resetToken' | 'expiresAt'>): Message {
  return render({
    kind: NotificationKind.PASSWORD_RESET,
    title: 'Reset your password',
    recipientName: data.username,
    paragraphs: [`Someone (hopefully you) asked to reset the password of the JobGraph account ${data.username}.`],
    action: { label: 'Choose a new password', url: url(site, `/reset-password?token=${encodeURIComponent(data.resetToken)}`) },
    footer: `The link works once and expires on ${formatDate(data.expiresAt)}. If you did not ask for it, ignore this email: your password stays as it is.`,
    body: 'A password reset link was emailed to you. If you did not ask for it, you can ignore it.',
    link: null,
  });
}

export function welcomeMessage(site: Site, data: Pick<EmailVerified, 'email'> & { username: string | null }): Message {
  return render({
    kind: NotificationKind.WELCOME,
    title: 'Welcome to JobGraph',
    recipientName: data.username,
    paragraphs: [
      `Your email address ${data.email} is confirmed.`,
      'Find a service to order, or open your seller page and offer your own.',
    ],
    action: { label: 'Explore JobGraph', url: url(site, '/') },
    link: '/',
  });
}

// --- orders ----------------------------------------------------------------------------------------------------------

export type Party = 'buyer' | 'seller';

/** Who gets a message for each order event: the party who has something to do or to know. */
export const ORDER_RECIPIENTS: Record<OrderEvent['type'], Party[]> = {
  'order.placed': ['seller', 'buyer'],
  'order.delivered': ['buyer'],
  'order.revision-requested': ['seller'],
  'order.extension-requested': ['buyer'],
  'order.extension-decided': ['seller'],
  'order.completed': ['seller', 'buyer'],
  'order.cancelled': ['seller', 'buyer'],
  'order.disputed': ['seller', 'buyer'],
};

export interface OrderParties {
  buyerName: string | null;
  sellerName: string | null;
}

/** The message for `to` about an order event. */
export function orderMessage(site: Site, event: OrderEvent, to: Party, names: OrderParties): Message {
  const { data } = event;
  const gig = quoted(data.gigTitle);
  const buyer = names.buyerName ?? 'The buyer';
  const seller = names.sellerName ?? 'The seller';
  const recipientName = to === 'buyer' ? names.buyerName : names.sellerName;
  const path = `/orders/${data.orderId}`;
  const base = { recipientName, link: path, action: { label: 'Open the order', url: url(site, path) } };
  const note = (label: string, value: string | null | undefined): string[] => (value && value.trim() ? [`${label}: ${quoted(value)}`] : []);
  switch (event.type) {
    case 'order.placed': {
      const d = event.data;
      return render({
        ...base,
        kind: NotificationKind.ORDER_PLACED,
        title: to === 'seller' ? `New order: ${data.gigTitle}` : `Order placed: ${data.gigTitle}`,
        paragraphs:
          to === 'seller'
            ? [`${buyer} ordered ${gig} for ${formatMoney(d.price)}. Please deliver by ${formatDate(d.dueAt)}.`]
            : [`Your order of ${gig} from ${seller} is placed: ${formatMoney(d.price)}, due by ${formatDate(d.dueAt)}.`, 'We will let you know when it is delivered.'],
      });
    }
    case 'order.delivered':
      return render({
        ...base,
        kind: NotificationKind.ORDER_DELIVERED,
        title: `Delivered: ${data.gigTitle}`,
        paragraphs: [`${seller} delivered your order of ${gig}.`, ...note('Their note', event.data.message), 'Review the delivery, then approve it or ask for a revision.'],
      });
    case 'order.revision-requested':
      return render({
        ...base,
        kind: NotificationKind.ORDER_REVISION_REQUESTED,
        title: `Revision requested: ${data.gigTitle}`,
        paragraphs: [`${buyer} asked for a revision of ${gig}.`, ...note('What to change', event.data.reason)],
      });
    case 'order.extension-requested':
      return render({
        ...base,
        kind: NotificationKind.ORDER_EXTENSION_REQUESTED,
        title: `Extension requested: ${data.gigTitle}`,
        paragraphs: [`${seller} asks for ${days(event.data.extraDays)} more to deliver ${gig}.`, ...note('Why', event.data.reason), 'Accept or decline it on the order page.'],
      });
    case 'order.extension-decided': {
      const d = event.data;
      const due = d.dueAt ? ` The order is now due by ${formatDate(d.dueAt)}.` : '';
      return render({
        ...base,
        kind: NotificationKind.ORDER_EXTENSION_DECIDED,
        title: `${d.approved ? 'Extension accepted' : 'Extension declined'}: ${data.gigTitle}`,
        paragraphs: [
          d.approved
            ? `${buyer} gave you ${days(d.extraDays)} more for ${gig}.${due}`
            : `${buyer} declined your request for ${days(d.extraDays)} more for ${gig}.${due}`,
        ],
      });
    }
    case 'order.completed':
      return render({
        ...base,
        kind: NotificationKind.ORDER_COMPLETED,
        title: `Order completed: ${data.gigTitle}`,
        paragraphs:
          to === 'seller'
            ? [`${buyer} approved your delivery of ${gig}. The payment is released to your wallet.`]
            : [`Your order of ${gig} is complete.`, `How did it go? Leave ${names.sellerName ?? 'the seller'} a review.`],
      });
    case 'order.cancelled': {
      const by = { BUYER: ' by the buyer', SELLER: ' by the seller', ADMIN: ' by JobGraph support', SYSTEM: '' }[event.data.cancelledBy ?? 'SYSTEM'];
      return render({
        ...base,
        kind: NotificationKind.ORDER_CANCELLED,
        title: `Order cancelled: ${data.gigTitle}`,
        paragraphs: [`The order of ${gig} was cancelled${by}.`, ...note('Reason', event.data.reason)],
      });
    }
    case 'order.disputed': {
      const by = event.data.openedBy ? ` by the ${event.data.openedBy.toLowerCase()}` : '';
      return render({
        ...base,
        kind: NotificationKind.ORDER_DISPUTED,
        title: `Dispute opened: ${data.gigTitle}`,
        paragraphs: [`A dispute was opened${by} on the order of ${gig}.`, ...note('Reason', event.data.reason), 'JobGraph support will review it and contact both of you.'],
      });
    }
  }
}

// --- chat and reviews ------------------------------------------------------------------------------------------------

export function offerMessage(site: Site, data: OfferSent, names: OrderParties): Message {
  const seller = names.sellerName ?? 'A seller';
  const delivery = data.deliveryDays ? `, delivered in ${days(data.deliveryDays)}` : '';
  const path = `/offers/${data.offerId}`;
  return render({
    kind: NotificationKind.OFFER_RECEIVED,
    title: `New offer from ${names.sellerName ?? 'a seller'}`,
    recipientName: names.buyerName,
    paragraphs: [`${seller} sent you a custom offer: ${formatMoney(data.price)}${delivery}.`, quoted(data.description)],
    action: { label: 'View the offer', url: url(site, path) },
    link: path,
  });
}

export function reviewMessage(site: Site, data: ReviewCreated, recipientName: string | null): Message {
  // The gig page shows its reviews; a custom offer's review has no gig, so its order is the place to see it.
  const path = data.gigId ? `/gigs/${data.gigId}` : data.orderId ? `/orders/${data.orderId}` : '/reviews';
  const stars = data.rating === 1 ? '1 star' : `${data.rating} stars`;
  return render({
    kind: NotificationKind.REVIEW_RECEIVED,
    title: `New review from ${data.reviewerUsername}: ${stars}`,
    recipientName,
    paragraphs: [`${data.reviewerUsername} reviewed you: ${stars}.`, ...(data.comment && data.comment.trim() ? [quoted(data.comment)] : [])],
    action: { label: 'See the review', url: url(site, path) },
    link: path,
  });
}
