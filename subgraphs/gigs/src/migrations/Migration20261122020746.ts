import { Migration } from '@mikro-orm/migrations';

export class Migration20261122020746 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "gig_review" ("review_id" uuid not null, "gig_id" uuid not null, "rating" smallint not null, "hidden" boolean not null, constraint "gig_review_pkey" primary key ("review_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gig_review" cascade;`);
  }

}
