import { ArgsType, Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, PageArgs } from '@jobgraph/kit';
import { NotificationKind } from '../domain/kinds.js';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification is about.',
  valuesConfig: {
    EMAIL_VERIFICATION: { description: 'Confirm a new account\'s email address (security email: always sent).' },
    PASSWORD_RESET: { description: 'A password reset was asked for (security email: always sent).' },
    WELCOME: { description: 'The email address is confirmed.' },
    ORDER_PLACED: { description: 'An order was placed (both parties).' },
    ORDER_DELIVERED: { description: 'The seller delivered (to the buyer).' },
    ORDER_REVISION_REQUESTED: { description: 'The buyer asked for a revision (to the seller).' },
    ORDER_EXTENSION_REQUESTED: { description: 'The seller asked for more time (to the buyer).' },
    ORDER_EXTENSION_DECIDED: { description: 'The buyer accepted or declined more time (to the seller).' },
    ORDER_COMPLETED: { description: 'The order is complete (both parties).' },
    ORDER_CANCELLED: { description: 'The order was cancelled (both parties).' },
    ORDER_DISPUTED: { description: 'A dispute was opened on the order (both parties).' },
    OFFER_RECEIVED: { description: 'A seller sent a custom offer (to the buyer).' },
    REVIEW_RECEIVED: { description: 'Someone reviewed the user.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); notifications adds the user\'s notifications.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType({ description: 'Something that happened that a user should know about. Also emailed, unless they turned that kind off.' })
export class Notification {
  @Field(() => ID, { description: 'Notification id.' })
  id!: string;
  @Field(() => NotificationKind, { description: 'What it is about.' })
  kind!: NotificationKind;
  @Field(() => String, { description: 'One-line summary (plain text).' })
  title!: string;
  @Field(() => String, { description: 'The message (plain text: show it as text, never as HTML).' })
  body!: string;
  @Field(() => String, { nullable: true, description: 'Path in the web app it opens, e.g. "/orders/<id>"; null when there is none.' })
  link!: string | null;
  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the user marked it read; null while unread.' })
  readAt!: Date | null;
}

export const NotificationConnection = ConnectionType(Notification, 'Notification', 'A page of notifications, newest first.');

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only notifications not marked read yet.' })
  unreadOnly?: boolean | null;
}

@ObjectType({ description: 'Which notifications also come by email (true) or only in the app (false). Everything is always listed in the app.' })
export class NotificationPreferences {
  @Field(() => Boolean, { description: 'Email-address confirmation; always on (security).' }) emailVerification!: boolean;
  @Field(() => Boolean, { description: 'Password reset links; always on (security).' }) passwordReset!: boolean;
  @Field(() => Boolean, { description: 'Welcome once the address is confirmed.' }) welcome!: boolean;
  @Field(() => Boolean, { description: 'An order was placed.' }) orderPlaced!: boolean;
  @Field(() => Boolean, { description: 'An order was delivered.' }) orderDelivered!: boolean;
  @Field(() => Boolean, { description: 'A revision was requested.' }) orderRevisionRequested!: boolean;
  @Field(() => Boolean, { description: 'More time was requested.' }) orderExtensionRequested!: boolean;
  @Field(() => Boolean, { description: 'A request for more time was answered.' }) orderExtensionDecided!: boolean;
  @Field(() => Boolean, { description: 'An order was completed.' }) orderCompleted!: boolean;
  @Field(() => Boolean, { description: 'An order was cancelled.' }) orderCancelled!: boolean;
  @Field(() => Boolean, { description: 'A dispute was opened.' }) orderDisputed!: boolean;
  @Field(() => Boolean, { description: 'A custom offer arrived.' }) offerReceived!: boolean;
  @Field(() => Boolean, { description: 'A review of you was posted.' }) reviewReceived!: boolean;
}

@InputType({ description: 'Email switches to change; omitted fields stay. Security emails (emailVerification, passwordReset) cannot be turned off.' })
export class UpdateNotificationPreferencesInput {
  @Field(() => Boolean, { nullable: true, description: 'Only true is accepted: confirmation emails cannot be turned off.' }) emailVerification?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Only true is accepted: reset emails cannot be turned off.' }) passwordReset?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Welcome email.' }) welcome?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Order placed.' }) orderPlaced?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Order delivered.' }) orderDelivered?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Revision requested.' }) orderRevisionRequested?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'More time requested.' }) orderExtensionRequested?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Request for more time answered.' }) orderExtensionDecided?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Order completed.' }) orderCompleted?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Order cancelled.' }) orderCancelled?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Dispute opened.' }) orderDisputed?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Custom offer received.' }) offerReceived?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Review received.' }) reviewReceived?: boolean | null;
}
