import { User } from './user.js';
import { RefreshToken } from './refresh-token.js';
import { OneTimeToken } from './one-time-token.js';
import { SigningKey } from './signing-key.js';

export { User, RefreshToken, OneTimeToken, SigningKey };
export { OneTimeTokenPurpose } from './one-time-token.js';
export const entities = [User, RefreshToken, OneTimeToken, SigningKey];
