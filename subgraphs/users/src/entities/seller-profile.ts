import { ArrayType, BigIntType, Entity, OptionalProps, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export interface LanguageSkill {
  language: string;
  level: string;
}
export interface ExperienceEntry {
  title: string;
  company: string;
  startYear: number;
  endYear: number | null;
}
export interface EducationEntry {
  school: string;
  degree: string;
  year: number;
}
export interface CertificateEntry {
  name: string;
  issuer: string;
  year: number;
}

/** A user's public seller page. Stats and rating are kept by events from orders and reviews. */
@Entity({ tableName: 'seller_profile' })
@Index({ properties: ['createdAt', 'userId'] })
export class SellerProfile {
  /** Counters start at zero and are only moved by events. */
  [OptionalProps]?: 'ongoingJobs' | 'completedJobs' | 'cancelledJobs' | 'earnings' | 'ratingCount' | 'ratingSum';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 30 })
  @Unique()
  username!: string;

  @Property({ type: 'string', length: 100 })
  fullName!: string;

  @Property({ type: 'string', length: 120 })
  oneLiner!: string;

  @Property({ type: 'text' })
  description!: string;

  /** Lower-case; GIN-indexed for `sellers(skill:)`. */
  @Property({ type: ArrayType })
  @Index({ type: 'gin' })
  skills: string[] = [];

  @Property({ type: 'json' })
  languages: LanguageSkill[] = [];

  @Property({ type: 'json' })
  experience: ExperienceEntry[] = [];

  @Property({ type: 'json' })
  education: EducationEntry[] = [];

  @Property({ type: 'json' })
  certificates: CertificateEntry[] = [];

  @Property({ type: ArrayType })
  socialLinks: string[] = [];

  /** Typical hours until the seller answers a message. */
  @Property({ type: 'integer' })
  responseTimeHours: number = 24;

  @Property({ type: 'integer' })
  ongoingJobs: number = 0;

  @Property({ type: 'integer' })
  completedJobs: number = 0;

  @Property({ type: 'integer' })
  cancelledJobs: number = 0;

  /** Minor units of `currency`. */
  @Property({ type: new BigIntType('number') })
  earnings: number = 0;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  ratingCount: number = 0;

  /** Sum of star ratings; the average is derived, so it can never disagree with the count. */
  @Property({ type: 'integer' })
  ratingSum: number = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
