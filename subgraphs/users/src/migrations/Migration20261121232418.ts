import { Migration } from '@mikro-orm/migrations';

export class Migration20261121232418 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "buyer_profile" ("user_id" uuid not null, "username" varchar(30) not null, "created_at" timestamptz not null, constraint "buyer_profile_pkey" primary key ("user_id"));`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "seller_profile" ("user_id" uuid not null, "username" varchar(30) not null, "full_name" varchar(100) not null, "one_liner" varchar(120) not null, "description" text not null, "skills" text[] not null, "languages" jsonb not null, "experience" jsonb not null, "education" jsonb not null, "certificates" jsonb not null, "social_links" text[] not null, "response_time_hours" int not null default 24, "ongoing_jobs" int not null default 0, "completed_jobs" int not null default 0, "cancelled_jobs" int not null default 0, "earnings" bigint not null default 0, "currency" varchar(3) not null, "rating_count" int not null default 0, "rating_sum" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "seller_profile_pkey" primary key ("user_id"));`);
    this.addSql(`alter table "seller_profile" add constraint "seller_profile_username_unique" unique ("username");`);
    this.addSql(`create index "seller_profile_skills_index" on "seller_profile" using gin ("skills");`);
    this.addSql(`create index "seller_profile_created_at_user_id_index" on "seller_profile" ("created_at", "user_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "buyer_profile" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "seller_profile" cascade;`);
  }

}
