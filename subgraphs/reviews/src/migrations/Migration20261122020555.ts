import { Migration } from '@mikro-orm/migrations';

export class Migration20261122020555 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "review_kind" as enum ('BUYER_TO_SELLER', 'SELLER_TO_BUYER');`);
    this.addSql(`create type "order_standing" as enum ('OPEN', 'COMPLETED', 'CANCELLED', 'SETTLED');`);
    this.addSql(`create table "gig_rating_month" ("gig_id" uuid not null, "month" varchar(7) not null, "review_count" int not null, "rating_sum" int not null, constraint "gig_rating_month_pkey" primary key ("gig_id", "month"));`);

    this.addSql(`create table "gig_rating_stats" ("gig_id" uuid not null, "review_count" int not null, "rating_sum" int not null, "stars1" int not null, "stars2" int not null, "stars3" int not null, "stars4" int not null, "stars5" int not null, "replied_count" int not null, "seller_id" uuid not null, constraint "gig_rating_stats_pkey" primary key ("gig_id"));`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "rating_fact" ("review_id" uuid not null, "gig_id" uuid null, "seller_id" uuid not null, "rating" smallint not null, "month" varchar(7) not null, "replied" boolean not null, "hidden" boolean not null, constraint "rating_fact_pkey" primary key ("review_id"));`);

    this.addSql(`create table "review" ("id" uuid not null, "order_id" uuid not null, "gig_id" uuid null, "reviewer_id" uuid not null, "reviewer_username" varchar(30) not null, "reviewee_id" uuid not null, "kind" "review_kind" not null, "rating" smallint not null, "comment" text not null, "reply" text null, "replied_at" timestamptz(3) null, "created_at" timestamptz(3) not null, "hidden_at" timestamptz(3) null, "hidden_reason" varchar(500) null, "hidden_by" uuid null, "report_count" int not null default 0, "last_reported_at" timestamptz(3) null, constraint "review_pkey" primary key ("id"), constraint review_rating_check check (((rating >= 1) AND (rating <= 5))));`);
    this.addSql(`create index "review_reported_index" on "review" ("last_reported_at", "id") where hidden_at is null and report_count > 0;`);
    this.addSql(`create index "review_reviewee_rating_index" on "review" ("reviewee_id", "kind", "rating") where hidden_at is null;`);
    this.addSql(`create index "review_reviewee_newest_index" on "review" ("reviewee_id", "created_at", "id") where hidden_at is null;`);
    this.addSql(`create index "review_gig_lowest_index" on "review" ("gig_id", (6 - "rating"), "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER';`);
    this.addSql(`create index "review_gig_highest_index" on "review" ("gig_id", "rating", "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER';`);
    this.addSql(`create index "review_gig_newest_index" on "review" ("gig_id", "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER';`);
    this.addSql(`alter table "review" add constraint "review_order_id_kind_unique" unique ("order_id", "kind");`);

    this.addSql(`create table "reviewable_order" ("order_id" uuid not null, "buyer_id" uuid not null, "seller_id" uuid not null, "gig_id" uuid null, "title" varchar(200) not null, "standing" "order_standing" not null, "completed_at" timestamptz null, "changed_at" timestamptz not null, constraint "reviewable_order_pkey" primary key ("order_id"));`);

    this.addSql(`create table "review_report" ("id" uuid not null, "review_id" uuid not null, "reporter_id" uuid not null, "reason" varchar(500) not null, "created_at" timestamptz(3) not null, constraint "review_report_pkey" primary key ("id"));`);
    this.addSql(`alter table "review_report" add constraint "review_report_review_id_reporter_id_unique" unique ("review_id", "reporter_id");`);

    this.addSql(`create table "seller_rating_month" ("seller_id" uuid not null, "month" varchar(7) not null, "review_count" int not null, "rating_sum" int not null, constraint "seller_rating_month_pkey" primary key ("seller_id", "month"));`);

    this.addSql(`create table "seller_rating_stats" ("seller_id" uuid not null, "review_count" int not null, "rating_sum" int not null, "stars1" int not null, "stars2" int not null, "stars3" int not null, "stars4" int not null, "stars5" int not null, "replied_count" int not null, constraint "seller_rating_stats_pkey" primary key ("seller_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gig_rating_month" cascade;`);

    this.addSql(`drop table if exists "gig_rating_stats" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "rating_fact" cascade;`);

    this.addSql(`drop table if exists "review" cascade;`);

    this.addSql(`drop table if exists "reviewable_order" cascade;`);

    this.addSql(`drop table if exists "review_report" cascade;`);

    this.addSql(`drop table if exists "seller_rating_month" cascade;`);

    this.addSql(`drop table if exists "seller_rating_stats" cascade;`);

    this.addSql(`drop type "review_kind";`);
    this.addSql(`drop type "order_standing";`);
  }

}
