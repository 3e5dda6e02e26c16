import { Migration } from '@mikro-orm/migrations';

export class Migration20261121232305 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "one_time_token_purpose" as enum ('VERIFY_EMAIL', 'RESET_PASSWORD');`);
    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "one_time_token" ("id" uuid not null, "user_id" uuid not null, "purpose" "one_time_token_purpose" not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "one_time_token_pkey" primary key ("id"));`);
    this.addSql(`alter table "one_time_token" add constraint "one_time_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "one_time_token_user_id_purpose_index" on "one_time_token" ("user_id", "purpose");`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "refresh_token" ("id" uuid not null, "family_id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "user_agent" varchar(300) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, constraint "refresh_token_pkey" primary key ("id"));`);
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);
    this.addSql(`create index "refresh_token_user_id_index" on "refresh_token" ("user_id");`);

    this.addSql(`create table "signing_key" ("kid" varchar(64) not null, "alg" varchar(10) not null, "private_jwk" jsonb not null, "public_jwk" jsonb not null, "created_at" timestamptz not null, "retired_at" timestamptz null, constraint "signing_key_pkey" primary key ("kid"));`);

    this.addSql(`create table "app_user" ("id" uuid not null, "email" varchar(254) not null, "username" varchar(30) not null, "password_hash" text not null, "email_verified" boolean not null default false, "roles" text[] not null, "created_at" timestamptz not null, "password_changed_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "one_time_token" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "refresh_token" cascade;`);

    this.addSql(`drop table if exists "signing_key" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop type "one_time_token_purpose";`);
  }

}
