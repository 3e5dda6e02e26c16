import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, isInputObjectType, isInterfaceType, isObjectType, isEnumType } from 'graphql';
import { composeSdl, composeSubgraphs } from '@jobgraph/stack';

const schemaFile = (name: string) => readFileSync(new URL(`../../../schema/${name}.graphql`, import.meta.url), 'utf8');

describe('schema/ stays in step with the code', () => {
  it('has committed SDL and supergraph files equal to what `pnpm compose` produces now (run it and commit if this fails)', async () => {
    const result = await composeSubgraphs();
    if (!result.ok) throw new Error(result.errors.join('\n'));
    for (const [name, sdl] of Object.entries(result.subgraphs)) expect(schemaFile(name), `schema/${name}.graphql is stale`).toBe(sdl);
    expect(schemaFile('supergraph'), 'schema/supergraph.graphql is stale').toBe(result.supergraph);
    expect(schemaFile('api'), 'schema/api.graphql is stale').toBe(result.api);
  });

  it('reports the composer\'s own message when subgraphs disagree, instead of writing a supergraph', () => {
    const a = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Query { thing: Thing }
      type Thing @key(fields: "id") { id: ID! size: Int }`;
    const b = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Query { other: Thing }
      type Thing @key(fields: "id") { id: ID! size: String }`;
    const result = composeSdl({ a, b }, { a: 'http://127.0.0.1:1/graphql', b: 'http://127.0.0.1:2/graphql' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/Thing\.size/);
  });

  it('describes every public type, field, argument and input field a frontend sees', () => {
    const api = buildSchema(schemaFile('api'));
    const missing: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      const isRoot = [api.getQueryType(), api.getMutationType(), api.getSubscriptionType()].includes(type as never);
      if (!type.description && !isRoot) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('packages/client stays in step with the schema and operations', () => {
  it('has committed typed documents equal to what `pnpm codegen` produces now (run it and commit if this fails)', async () => {
    const { generate } = await import('@graphql-codegen/cli');
    const { default: config } = await import('../../../codegen.js');
    const root = new URL('../../../', import.meta.url).pathname;
    const previous = process.cwd();
    process.chdir(root);
    try {
      const outputs = await generate({ ...config, silent: true }, false);
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        expect(readFileSync(new URL(output.filename, `file://${root}`), 'utf8'), `${output.filename} is stale`).toBe(output.content);
      }
    } finally {
      process.chdir(previous);
    }
  });
});
