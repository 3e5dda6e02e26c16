/** What auth announces (routing keys on `jobgraph.auth`); payloads carry what a mailer or profile needs. */
export const AuthEvents = {
  userRegistered: 'user.registered',
  emailVerified: 'user.email-verified',
  passwordResetRequested: 'password-reset-requested',
} as const;

export interface UserRegistered {
  userId: string;
  email: string;
  username: string;
  /** Raw single-use token for the verification link; only its hash is stored in the users table. */
  verificationToken: string;
  verificationExpiresAt: string;
}

export interface UserEmailVerified {
  userId: string;
  email: string;
}

export interface PasswordResetRequested {
  userId: string;
  email: string;
  username: string;
  resetToken: string;
  expiresAt: string;
}
