// `pnpm compose`: prints each subgraph's SDL to schema/<name>.graphql and composes schema/supergraph.graphql.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSubgraphs } from './composition.js';

const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../schema');
const result = await composeSubgraphs();
if (!result.ok) {
  console.error('Composition failed:\n');
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
mkdirSync(schemaDir, { recursive: true });
for (const [name, sdl] of Object.entries(result.subgraphs)) {
  writeFileSync(path.join(schemaDir, `${name}.graphql`), sdl);
  console.log(`wrote schema/${name}.graphql`);
}
writeFileSync(path.join(schemaDir, 'supergraph.graphql'), result.supergraph);
writeFileSync(path.join(schemaDir, 'api.graphql'), result.api);
console.log('wrote schema/supergraph.graphql and schema/api.graphql (the client-facing schema codegen reads)');
