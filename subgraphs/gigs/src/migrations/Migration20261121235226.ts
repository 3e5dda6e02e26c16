import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235226 extends Migration {

  override async up(): Promise<void> {
    // Trigram matching (typo-tolerant search) needs pg_trgm; added by hand to the generated migration.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "gig_status" as enum ('DRAFT', 'PENDING_REVIEW', 'PUBLISHED', 'REJECTED', 'PAUSED');`);
    this.addSql(`create table "category" ("id" varchar(60) not null, "name" varchar(80) not null, "parent_id" varchar(60) null, "position" int not null default 0, constraint "category_pkey" primary key ("id"));`);
    this.addSql(`create index "category_parent_id_position_index" on "category" ("parent_id", "position");`);

    this.addSql(`create table "gig" ("id" uuid not null, "seller_id" uuid not null, "title" varchar(80) not null, "description" text not null, "basic_title" varchar(60) not null, "basic_description" varchar(300) not null, "category_id" varchar(60) not null, "sub_category_id" varchar(60) null, "tags" text[] not null, "price" int not null, "currency" varchar(3) not null, "delivery_days" int not null, "cover_image_url" varchar(500) null, "status" "gig_status" not null default 'DRAFT', "rejection_reason" varchar(500) null, "rating_count" int not null default 0, "rating_sum" int not null default 0, "rating_average" double precision not null default 0, "stars1" int not null default 0, "stars2" int not null default 0, "stars3" int not null default 0, "stars4" int not null default 0, "stars5" int not null default 0, "search" tsvector null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "published_at" timestamptz null, "deleted_at" timestamptz null, "version" int not null default 1, constraint "gig_pkey" primary key ("id"));`);
    this.addSql(`create index "gig_tags_index" on "gig" using gin ("tags");`);
    this.addSql(`create index "gig_title_trgm_index" on "gig" using gin ("title" gin_trgm_ops);`);
    this.addSql(`create index "gig_search_index" on "gig" using gin ("search");`);

    // The search document: title (A) > tags (B) > short pitch and description (C). A trigger rather than a
    // generated column because array_to_string is not immutable. Added by hand to the generated migration.
    this.addSql(`create function gig_search_document() returns trigger language plpgsql as $$
      begin
        new.search :=
          setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(array_to_string(new.tags, ' '), '')), 'B') ||
          setweight(to_tsvector('english', coalesce(new.basic_title, '') || ' ' || coalesce(new.basic_description, '') || ' ' || coalesce(new.description, '')), 'C');
        return new;
      end $$;`);
    this.addSql(`create trigger gig_search_document before insert or update of title, tags, basic_title, basic_description, description
      on "gig" for each row execute function gig_search_document();`);
    this.addSql(`create index "gig_status_rating_average_index" on "gig" ("status", "rating_average");`);
    this.addSql(`create index "gig_status_price_index" on "gig" ("status", "price");`);
    this.addSql(`create index "gig_status_category_id_published_at_index" on "gig" ("status", "category_id", "published_at");`);
    this.addSql(`create index "gig_seller_id_created_at_index" on "gig" ("seller_id", "created_at");`);

    this.addSql(`create table "inbox_event" ("consumer" varchar(100) not null, "event_id" uuid not null, "type" varchar(100) not null, "processed_at" timestamptz not null, constraint "inbox_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "type" varchar(100) not null, "envelope" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null, constraint "outbox_event_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_event_published_at_created_at_index" on "outbox_event" ("published_at", "created_at");`);

    this.addSql(`create table "seller" ("user_id" uuid not null, "username" varchar(30) not null, "updated_at" timestamptz not null, constraint "seller_pkey" primary key ("user_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists gig_search_document on "gig";`);
    this.addSql(`drop function if exists gig_search_document();`);
    this.addSql(`drop table if exists "category" cascade;`);

    this.addSql(`drop table if exists "gig" cascade;`);

    this.addSql(`drop table if exists "inbox_event" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "seller" cascade;`);

    this.addSql(`drop type "gig_status";`);
  }

}
