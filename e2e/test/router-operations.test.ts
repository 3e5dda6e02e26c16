import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MeDocument } from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { codes, signUp, useStack } from './support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'jobgraph-supergraph-'));
const supergraphPath = path.join(dir, 'supergraph.graphql');
copyFileSync(path.join(repo, 'schema/supergraph.graphql'), supergraphPath);

const t = useStack({ SUPERGRAPH_PATH: supergraphPath, EXPLORER: 'false', CORS_ORIGINS: 'https://app.example.com' });

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(t.stack.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('router operations', () => {
  it('answers /health, and /ready with the status of every subgraph', async () => {
    const base = t.stack.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', subgraphs: { auth: 'ok', users: 'ok' } });
  });

  it('lets an allowed browser origin read responses with credentials, and no other origin', async () => {
    const allowed = await fetch(t.stack.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(t.stack.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a simple cross-site request (CSRF) that a browser would send without a preflight', async () => {
    const res = await fetch(`${t.stack.url}?query=${encodeURIComponent('{ __typename }')}`, { method: 'GET' });
    expect(res.status).toBe(400);
    const ok = await fetch(`${t.stack.url}?query=${encodeURIComponent('{ __typename }')}`, { method: 'GET', headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
  });

  it('answers introspection with an error when the explorer is off (production)', async () => {
    const res = await post({ query: '{ __schema { queryType { name } } }' });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('picks up a new supergraph file without a restart (and keeps serving if the new file is broken)', async () => {
    const user = await signUp(t.client, 'reload');
    expect((await t.client.request(MeDocument, {}, { token: user.accessToken })).errors).toEqual([]);

    // A supergraph without User.emailVerified: the running router must start refusing that field.
    const original = readFileSync(supergraphPath, 'utf8');
    const edited = original.replace(/\n\s+"""[^"]*"""\n\s+emailVerified: Boolean! @join__field\(graph: AUTH\)\n/, '\n');
    expect(edited).not.toBe(original);
    writeFileSync(supergraphPath, edited);
    await waitFor(async () => {
      const r = await t.client.request(MeDocument, {}, { token: user.accessToken });
      return codes(r.errors).includes('BAD_USER_INPUT') ? r : null;
    }, 10_000, 'the router to load the edited supergraph');

    writeFileSync(supergraphPath, 'this is not a supergraph');
    await new Promise((r) => setTimeout(r, 600));
    const stillServing = await t.client.request(MeDocument, {}, { token: user.accessToken });
    expect(codes(stillServing.errors)).toEqual(['BAD_USER_INPUT']);

    writeFileSync(supergraphPath, original);
    await waitFor(async () => {
      const r = await t.client.request(MeDocument, {}, { token: user.accessToken });
      return r.errors.length === 0 ? r : null;
    }, 10_000, 'the router to load the original supergraph again');
  });
});

describe('operator commands', () => {
  it('grants admin with `pnpm admin grant <email>` (the built command), effective at the next sign-in', async () => {
    const user = await signUp(t.client, 'operator');
    const databaseUrl = String(t.stack.subgraphs.auth.orm.config.get('clientUrl'));
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(repo, 'subgraphs/auth/dist/admin.js'), 'grant', user.user.email!], {
      env: { ...process.env, AUTH_DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain('admin');
    const unknown = await promisify(execFile)(process.execPath, [path.join(repo, 'subgraphs/auth/dist/admin.js'), 'grant', 'nobody@example.com'], {
      env: { ...process.env, AUTH_DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    }).catch((err: { code: number; stderr: string }) => err);
    expect(unknown).toMatchObject({ code: 1 });
  });
});
