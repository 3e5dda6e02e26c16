import { Migration } from '@mikro-orm/migrations';

export class Migration20261122020710 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "received_review_kind" as enum ('BUYER_TO_SELLER', 'SELLER_TO_BUYER');`);
    this.addSql(`create table "received_review" ("review_id" uuid not null, "user_id" uuid not null, "kind" "received_review_kind" not null, "rating" smallint not null, "hidden" boolean not null, constraint "received_review_pkey" primary key ("review_id"));`);

    this.addSql(`alter table "buyer_profile" add column "rating_count" int not null default 0, add column "rating_sum" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "received_review" cascade;`);

    this.addSql(`alter table "buyer_profile" drop column "rating_count", drop column "rating_sum";`);

    this.addSql(`drop type "received_review_kind";`);
  }

}
