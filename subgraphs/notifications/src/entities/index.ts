import { Notification } from './notification.js';
import { EmailLog, EmailStatus } from './email-log.js';
import { Recipient } from './recipient.js';
import { NotificationPreference } from './notification-preference.js';

export { Notification, EmailLog, EmailStatus, Recipient, NotificationPreference };
export const entities = [Notification, EmailLog, Recipient, NotificationPreference];
