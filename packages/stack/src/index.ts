export * from './subgraphs.js';
export * from './composition.js';
export * from './stack.js';
