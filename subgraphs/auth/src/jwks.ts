/** Where auth publishes its access-token public keys. */
export const JWKS_PATH = '/.well-known/jwks.json';
