import { Migration } from '@mikro-orm/migrations';

export class Migration20261122015213 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "message_kind" as enum ('TEXT', 'OFFER', 'SYSTEM');`);
    this.addSql(`create type "offer_status" as enum ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'CANCELLED');`);
    this.addSql(`create table "conversation" ("id" uuid not null, "participant_a" uuid not null, "participant_b" uuid not null, "gig_id" uuid null, "buyer_id" uuid null, "seller_id" uuid null, "last_message_id" uuid null, "last_activity_at" timestamptz not null, "created_at" timestamptz not null, constraint "conversation_pkey" primary key ("id"));`);
    this.addSql(`create unique index "conversation_pair_gig_unique" on "conversation" ("participant_a", "participant_b", "gig_id") nulls not distinct;`);

    this.addSql(`create table "conversation_member" ("conversation_id" uuid not null, "user_id" uuid not null, "unread_count" int not null, "last_read_at" timestamptz null, "last_activity_at" timestamptz not null, constraint "conversation_member_pkey" primary key ("conversation_id", "user_id"));`);
    this.addSql(`create index "conversation_member_user_id_last_activity_at_conve_ef580_index" on "conversation_member" ("user_id", "last_activity_at", "conversation_id");`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "message" ("id" uuid not null, "conversation_id" uuid not null, "sender_id" uuid null, "kind" "message_kind" not null, "body" text not null, "attachment_name" varchar(255) null, "attachment_url" varchar(2048) null, "attachment_size_bytes" bigint null, "attachment_content_type" varchar(255) null, "order_id" uuid null, "order_event" varchar(40) null, "created_at" timestamptz not null, constraint "message_pkey" primary key ("id"));`);
    this.addSql(`create index "message_conversation_id_created_at_id_index" on "message" ("conversation_id", "created_at", "id");`);

    this.addSql(`create table "offer" ("id" uuid not null, "conversation_id" uuid not null, "seller_id" uuid not null, "buyer_id" uuid not null, "gig_id" uuid null, "price" int not null, "currency" varchar(3) not null, "delivery_days" int not null, "description" text not null, "expires_at" timestamptz not null, "status" "offer_status" not null, "responded_at" timestamptz null, "order_id" uuid null, "created_at" timestamptz not null, constraint "offer_pkey" primary key ("id"));`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "seller" ("user_id" uuid not null, "updated_at" timestamptz not null, constraint "seller_pkey" primary key ("user_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "conversation" cascade;`);

    this.addSql(`drop table if exists "conversation_member" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "message" cascade;`);

    this.addSql(`drop table if exists "offer" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "seller" cascade;`);

    this.addSql(`drop type "message_kind";`);
    this.addSql(`drop type "offer_status";`);
  }

}
