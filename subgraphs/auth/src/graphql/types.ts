import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '@jobgraph/kit';

@ObjectType('User', { description: 'A JobGraph account. Other subgraphs add what they own (profiles, gigs, orders) to this type.' })
@Directive('@key(fields: "id")')
export class UserType {
  @Field(() => ID, { description: 'Stable id (UUIDv7) that every subgraph uses to refer to this user.' })
  id!: string;

  @Field(() => String, { description: 'Public handle, unique, lower-case.' })
  username!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Email address. Visible only to the user themself (including in the payload of their own sign-in) and to admins; null with an error for anyone else.',
  })
  email!: string | null;

  @Field(() => Boolean, { description: 'Whether the user has confirmed their email address.' })
  emailVerified!: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'Roles beyond a plain user (e.g. "admin"). Visible only to the user themself and to admins; null with an error for anyone else.',
  })
  roles!: string[] | null;

  @Field(() => Date, { description: 'When the account was created.' })
  createdAt!: Date;
}

export const UserConnection = ConnectionType(UserType, 'User', 'A page of users, newest first.');

@ObjectType({ description: 'What a client keeps after signing in: a short-lived access token and a refresh token.' })
export class AuthPayload {
  @Field(() => String, { description: 'JWT to send as `Authorization: Bearer <token>`; expires after `expiresIn` seconds.' })
  accessToken!: string;

  @Field(() => String, {
    description: 'Opaque token for `refreshSession`; also set as an httpOnly cookie. Single use: each refresh returns a new one.',
  })
  refreshToken!: string;

  @Field(() => Int, { description: 'Seconds until the access token expires.' })
  expiresIn!: number;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user!: UserType;
}

@InputType({ description: 'A new account.' })
export class SignUpInput {
  @Field(() => String, { description: 'A valid email address; unique.' })
  email!: string;

  @Field(() => String, { description: '3–30 characters: letters, digits, ".", "_", "-", starting with a letter; unique.' })
  username!: string;

  @Field(() => String, { description: 'At least 10 characters, not containing the username or email.' })
  password!: string;
}

@InputType({ description: 'Credentials for signing in.' })
export class SignInInput {
  @Field(() => String, { description: 'Email address or username.' })
  login!: string;

  @Field(() => String, { description: 'The account password.' })
  password!: string;
}
