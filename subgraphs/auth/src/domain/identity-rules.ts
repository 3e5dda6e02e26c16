import { BadUserInputError } from '@jobgraph/kit';

/** RFC 5321 caps an address at 254 characters; the pattern is deliberately plain (one @, a dot in the domain). */
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
export const EMAIL_MAX = 254;

/** Usernames appear in URLs (`/sellers/<username>`): lower-case letters, digits, `.`, `_`, `-`, starting with a letter. */
const USERNAME = /^[a-z][a-z0-9._-]{2,29}$/;

/** Passwords: long beats clever (NIST SP 800-63B): at least 10 characters, at most 128, not a single repeated or trivial pattern. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

export function normaliseEmail(field: string, raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length === 0) throw new BadUserInputError(field, 'Email is required.');
  if (email.length > EMAIL_MAX || !EMAIL.test(email)) {
    throw new BadUserInputError(field, 'Email must be a valid address such as name@example.com.');
  }
  return email;
}

export function normaliseUsername(field: string, raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new BadUserInputError(
      field,
      'Username must be 3–30 characters: letters, digits, ".", "_" or "-", starting with a letter.',
    );
  }
  return username;
}

/** Refuses weak passwords with a message that says what is allowed; `context` are strings it must not contain. */
export function checkPasswordStrength(field: string, password: string, context: string[] = []): void {
  if (password.length < PASSWORD_MIN) {
    throw new BadUserInputError(field, `Password must be at least ${PASSWORD_MIN} characters long.`);
  }
  if (password.length > PASSWORD_MAX) {
    throw new BadUserInputError(field, `Password must be at most ${PASSWORD_MAX} characters long.`);
  }
  if (new Set(password).size < 4) {
    throw new BadUserInputError(field, 'Password must not be one or a few characters repeated.');
  }
  const lower = password.toLowerCase();
  for (const part of context) {
    if (part.length >= 3 && lower.includes(part.toLowerCase())) {
      throw new BadUserInputError(field, 'Password must not contain your username or email.');
    }
  }
}
