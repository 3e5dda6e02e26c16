import { Migration } from '@mikro-orm/migrations';

export class Migration20261122003827 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "email_status" as enum ('SENT', 'FAILED');`);
    this.addSql(`create type "notification_kind" as enum ('EMAIL_VERIFICATION', 'PASSWORD_RESET', 'WELCOME', 'ORDER_PLACED', 'ORDER_DELIVERED', 'ORDER_REVISION_REQUESTED', 'ORDER_EXTENSION_REQUESTED', 'ORDER_EXTENSION_DECIDED', 'ORDER_COMPLETED', 'ORDER_CANCELLED', 'ORDER_DISPUTED', 'OFFER_RECEIVED', 'REVIEW_RECEIVED');`);
    this.addSql(`create table "email_log" ("id" uuid not null, "event_id" uuid not null, "recipient_id" uuid not null, "notification_id" uuid not null, "kind" varchar(40) not null, "to_address" varchar(254) not null, "status" "email_status" not null, "attempts" int not null default 0, "error" text null, "sent_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "email_log_pkey" primary key ("id"));`);
    this.addSql(`alter table "email_log" add constraint "email_log_event_id_recipient_id_unique" unique ("event_id", "recipient_id");`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "notification" ("id" uuid not null, "recipient_id" uuid not null, "kind" "notification_kind" not null, "title" varchar(200) not null, "body" text not null, "link" varchar(500) null, "created_at" timestamptz not null, "read_at" timestamptz null, constraint "notification_pkey" primary key ("id"));`);
    this.addSql(`create index "notification_recipient_id_created_at_id_index" on "notification" ("recipient_id", "created_at", "id");`);

    this.addSql(`create table "notification_preference" ("user_id" uuid not null, "email_off" text[] not null, "updated_at" timestamptz not null, constraint "notification_preference_pkey" primary key ("user_id"));`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "recipient" ("user_id" uuid not null, "email" varchar(254) not null, "username" varchar(30) not null, "updated_at" timestamptz not null, constraint "recipient_pkey" primary key ("user_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "email_log" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "notification" cascade;`);

    this.addSql(`drop table if exists "notification_preference" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "recipient" cascade;`);

    this.addSql(`drop type "email_status";`);
    this.addSql(`drop type "notification_kind";`);
  }

}
