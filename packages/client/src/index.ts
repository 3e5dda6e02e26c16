import { print, type GraphQLFormattedError } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export * from './gql/graphql.js';
export type { TypedDocumentNode };

export interface RequestOptions {
  /** Access token, sent as `Authorization: Bearer …`. */
  token?: string | null;
  /** Extra headers (e.g. `cookie`, `x-correlation-id`). */
  headers?: Record<string, string>;
}

export interface Result<TData> {
  data: TData | null;
  errors: GraphQLFormattedError[];
  status: number;
  headers: Headers;
}

/** A small typed client for the JobGraph router: what a frontend does, without a framework. */
export class JobGraphClient {
  constructor(readonly url: string) {}

  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: RequestOptions = {},
  ): Promise<Result<TData>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as { data?: TData | null; errors?: GraphQLFormattedError[] };
    return { data: body.data ?? null, errors: body.errors ?? [], status: response.status, headers: response.headers };
  }

  /** Like `request`, but throws when the response has errors: for steps that must succeed. */
  async expect<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: RequestOptions = {},
  ): Promise<TData> {
    const result = await this.request(document, variables, options);
    if (result.errors.length > 0 || result.data === null) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }
}
