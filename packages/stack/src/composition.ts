import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, printSchema } from 'graphql';
import { subgraphSdl } from '@jobgraph/kit';
import { SUBGRAPHS } from './subgraphs.js';

export type CompositionResult =
  | { ok: true; subgraphs: Record<string, string>; supergraph: string; api: string }
  | { ok: false; errors: string[] };

/** Composes the supergraph offline (no network, no rover) from the subgraphs' own schemas. */
export async function composeSubgraphs(): Promise<CompositionResult> {
  const subgraphs: Record<string, string> = {};
  for (const s of SUBGRAPHS) subgraphs[s.name] = `${(await subgraphSdl(s.definition({}))).trim()}\n`;
  return composeSdl(subgraphs, Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `http://127.0.0.1:${s.defaultPort}/graphql`])));
}

export function composeSdl(subgraphs: Record<string, string>, urls: Record<string, string>): CompositionResult {
  const result = composeServices(
    Object.entries(subgraphs).map(([name, sdl]) => ({ name, url: urls[name], typeDefs: parse(sdl) })),
  );
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  const supergraph = `${result.supergraphSdl.trim()}\n`;
  const api = `${printSchema(Supergraph.build(supergraph, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema()).trim()}\n`;
  return { ok: true, subgraphs, supergraph, api };
}
