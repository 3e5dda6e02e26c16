import { Migration } from '@mikro-orm/migrations';

export class Migration20261122023804 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "order_status" as enum ('PLACED', 'IN_PROGRESS', 'DELIVERED', 'IN_REVISION', 'COMPLETED', 'CANCELLED', 'DISPUTED', 'SETTLED');`);
    this.addSql(`create type "order_party" as enum ('BUYER', 'SELLER', 'ADMIN', 'SYSTEM');`);
    this.addSql(`create type "dispute_outcome" as enum ('REFUND', 'RELEASE', 'SPLIT');`);
    this.addSql(`create type "extension_status" as enum ('PENDING', 'APPROVED', 'DECLINED', 'CLOSED');`);
    this.addSql(`create type "payout_status" as enum ('PENDING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(`create table "gig_listing" ("gig_id" uuid not null, "seller_id" uuid not null, "title" varchar(200) not null, "price" int not null, "currency" varchar(3) not null, "delivery_days" int not null, "status" varchar(30) not null, "deleted" boolean not null default false, "changed_at" timestamptz not null, constraint "gig_listing_pkey" primary key ("gig_id"));`);

    this.addSql(`create table "idempotency_key" ("user_id" uuid not null, "key" varchar(255) not null, "operation" varchar(40) not null, "request_hash" varchar(64) not null, "result_id" uuid null, "locked_until" timestamptz null, "created_at" timestamptz not null, constraint "idempotency_key_pkey" primary key ("user_id", "key"));`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "ledger_account" ("id" varchar(60) not null, "created_at" timestamptz not null, constraint "ledger_account_pkey" primary key ("id"));`);

    this.addSql(`create table "ledger_entry" ("id" uuid not null, "transaction_id" uuid not null, "kind" varchar(30) not null, "account" varchar(60) not null, "amount" bigint not null, "currency" varchar(3) not null, "order_id" uuid null, "withdrawal_id" uuid null, "created_at" timestamptz not null, constraint "ledger_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "ledger_entry_order_id_index" on "ledger_entry" ("order_id");`);
    this.addSql(`create index "ledger_entry_account_currency_created_at_index" on "ledger_entry" ("account", "currency", "created_at");`);

    this.addSql(`create table "offer" ("id" uuid not null, "conversation_id" uuid null, "buyer_id" uuid not null, "seller_id" uuid not null, "gig_id" uuid null, "description" text not null, "price" int not null, "currency" varchar(3) not null, "delivery_days" int not null, "expires_at" timestamptz null, "status" varchar(20) not null default 'PENDING', "order_id" uuid null, "changed_at" timestamptz not null, constraint "offer_pkey" primary key ("id"));`);
    this.addSql(`alter table "offer" add constraint "offer_order_id_unique" unique ("order_id");`);
    this.addSql(`create index "offer_buyer_id_index" on "offer" ("buyer_id");`);

    this.addSql(`create table "orders" ("id" uuid not null, "gig_id" uuid null, "offer_id" uuid null, "conversation_id" uuid null, "title" varchar(200) not null, "buyer_id" uuid not null, "seller_id" uuid not null, "price" int not null, "service_fee" int not null, "total" int not null, "currency" varchar(3) not null, "requirements" text not null, "delivery_days" int not null, "status" "order_status" not null, "due_at" timestamptz not null, "payment_id" uuid not null, "cancellation_requested_by" "order_party" null, "cancellation_reason" varchar(1000) null, "cancellation_requested_at" timestamptz null, "cancelled_by" "order_party" null, "disputed_by" "order_party" null, "dispute_reason" varchar(2000) null, "disputed_at" timestamptz null, "dispute_outcome" "dispute_outcome" null, "dispute_note" varchar(2000) null, "dispute_resolved_at" timestamptz null, "buyer_reviewed" boolean not null default false, "seller_reviewed" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, "started_at" timestamptz null, "completed_at" timestamptz null, "cancelled_at" timestamptz null, "version" int not null default 1, constraint "orders_pkey" primary key ("id"));`);
    this.addSql(`create index "orders_gig_id_status_index" on "orders" ("gig_id", "status");`);
    this.addSql(`create index "orders_seller_id_created_at_index" on "orders" ("seller_id", "created_at");`);
    this.addSql(`create index "orders_buyer_id_created_at_index" on "orders" ("buyer_id", "created_at");`);

    this.addSql(`create table "order_delivery" ("id" uuid not null, "order_id" uuid not null, "message" text not null, "file_urls" text[] not null, "delivered_at" timestamptz not null, constraint "order_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "order_delivery_order_id_delivered_at_index" on "order_delivery" ("order_id", "delivered_at");`);

    this.addSql(`create table "order_extension" ("id" uuid not null, "order_id" uuid not null, "days" int not null, "reason" varchar(1000) not null, "status" "extension_status" not null default 'PENDING', "requested_at" timestamptz not null, "decided_at" timestamptz null, constraint "order_extension_pkey" primary key ("id"));`);
    this.addSql(`create index "order_extension_order_id_requested_at_index" on "order_extension" ("order_id", "requested_at");`);

    this.addSql(`create table "order_revision" ("id" uuid not null, "order_id" uuid not null, "reason" text not null, "requested_at" timestamptz not null, constraint "order_revision_pkey" primary key ("id"));`);
    this.addSql(`create index "order_revision_order_id_requested_at_index" on "order_revision" ("order_id", "requested_at");`);

    this.addSql(`create table "order_timeline" ("id" uuid not null, "order_id" uuid not null, "action" varchar(40) not null, "actor_role" "order_party" not null, "actor_id" uuid null, "from_status" "order_status" null, "to_status" "order_status" not null, "note" varchar(2000) null, "at" timestamptz not null, constraint "order_timeline_pkey" primary key ("id"));`);
    this.addSql(`create index "order_timeline_order_id_at_index" on "order_timeline" ("order_id", "at");`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "payment" ("id" uuid not null, "buyer_id" uuid not null, "provider" varchar(20) not null, "provider_charge_id" varchar(100) not null, "amount" int not null, "currency" varchar(3) not null, "created_at" timestamptz not null, constraint "payment_pkey" primary key ("id"));`);
    this.addSql(`alter table "payment" add constraint "payment_provider_charge_id_unique" unique ("provider_charge_id");`);

    this.addSql(`create table "provider_event" ("id" varchar(100) not null, "provider" varchar(20) not null, "type" varchar(60) not null, "payload" jsonb not null, "received_at" timestamptz not null, constraint "provider_event_pkey" primary key ("id"));`);

    this.addSql(`create table "refund" ("id" uuid not null, "amount" int not null, "currency" varchar(3) not null, "status" "payout_status" not null default 'PENDING', "provider_reference" varchar(100) null, "attempts" int not null default 0, "last_error" varchar(500) null, "next_attempt_at" timestamptz not null, "created_at" timestamptz not null, "completed_at" timestamptz null, "order_id" uuid null, "provider" varchar(20) not null, "provider_charge_id" varchar(100) not null, constraint "refund_pkey" primary key ("id"));`);
    this.addSql(`create index "refund_order_id_index" on "refund" ("order_id");`);
    this.addSql(`create index "refund_status_next_attempt_at_index" on "refund" ("status", "next_attempt_at");`);

    this.addSql(`create table "sandbox_attempt" ("idempotency_key" varchar(300) not null, "attempts" int not null default 0, constraint "sandbox_attempt_pkey" primary key ("idempotency_key"));`);

    this.addSql(`create table "sandbox_operation" ("id" uuid not null, "kind" varchar(10) not null, "idempotency_key" varchar(300) not null, "payment_method" varchar(100) null, "reference" varchar(100) not null, "amount" int not null, "currency" varchar(3) not null, "created_at" timestamptz not null, constraint "sandbox_operation_pkey" primary key ("id"));`);
    this.addSql(`alter table "sandbox_operation" add constraint "sandbox_operation_idempotency_key_unique" unique ("idempotency_key");`);

    this.addSql(`create table "withdrawal" ("id" uuid not null, "amount" int not null, "currency" varchar(3) not null, "status" "payout_status" not null default 'PENDING', "provider_reference" varchar(100) null, "attempts" int not null default 0, "last_error" varchar(500) null, "next_attempt_at" timestamptz not null, "created_at" timestamptz not null, "completed_at" timestamptz null, "seller_id" uuid not null, constraint "withdrawal_pkey" primary key ("id"));`);
    this.addSql(`create index "withdrawal_seller_id_created_at_index" on "withdrawal" ("seller_id", "created_at");`);
    this.addSql(`create index "withdrawal_status_next_attempt_at_index" on "withdrawal" ("status", "next_attempt_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gig_listing" cascade;`);

    this.addSql(`drop table if exists "idempotency_key" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "ledger_account" cascade;`);

    this.addSql(`drop table if exists "ledger_entry" cascade;`);

    this.addSql(`drop table if exists "offer" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_delivery" cascade;`);

    this.addSql(`drop table if exists "order_extension" cascade;`);

    this.addSql(`drop table if exists "order_revision" cascade;`);

    this.addSql(`drop table if exists "order_timeline" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "provider_event" cascade;`);

    this.addSql(`drop table if exists "refund" cascade;`);

    this.addSql(`drop table if exists "sandbox_attempt" cascade;`);

    this.addSql(`drop table if exists "sandbox_operation" cascade;`);

    this.addSql(`drop table if exists "withdrawal" cascade;`);

    this.addSql(`drop type "order_status";`);
    this.addSql(`drop type "order_party";`);
    this.addSql(`drop type "dispute_outcome";`);
    this.addSql(`drop type "extension_status";`);
    this.addSql(`drop type "payout_status";`);
  }

}
