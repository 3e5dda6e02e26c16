export * from './subgraphs.js';
export * from './composition.js';
export * from './stack.js';
export { authEnv } from '@jobgraph/auth';
export { usersEnv } from '@jobgraph/users';
export { routerEnv } from '@jobgraph/router';
export { setAdmin } from '@jobgraph/auth';
export { gigsEnv } from '@jobgraph/gigs';
export * from './demo-data.js';
