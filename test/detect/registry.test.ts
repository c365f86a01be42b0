// The registry mirror's protocol, probed for real with curl through the real Env's host reader against local
// servers: a plain registry (HTTP), a TLS registry with a certificate this machine does not trust, nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, probeRegistryScheme } from '../../src/detect/registry.js';
import { testEnv } from '../helpers/inputs.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ciab-registry-'));
const v2 = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Type': 'application/json' });
  res.end('{}');
};
let plain: http.Server;
let tls: https.Server;
const listen = (server: http.Server | https.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
let plainPort = 0;
let tlsPort = 0;
let closedPort = 0;

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  plain = http.createServer(v2);
  tls = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, v2);
  plainPort = await listen(plain);
  tlsPort = await listen(tls);
  // a port that was free a moment ago: nothing answers there
  const probe = http.createServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
});
afterAll(() => {
  plain.close();
  tls.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('probeRegistryScheme', () => {
  it('a plain registry:2 answers over HTTP only: http', async () => {
    expect(await probeRegistryScheme(testEnv.host, `127.0.0.1:${plainPort}`)).toBe('http');
  });
  it('a TLS registry with an untrusted certificate is https, not http', async () => {
    expect(await probeRegistryScheme(testEnv.host, `127.0.0.1:${tlsPort}/kolla`)).toBe('https');
  });
  it('nothing listening: unknown (null), so the answer\'s own default stands', async () => {
    expect(await probeRegistryScheme(testEnv.host, `127.0.0.1:${closedPort}`)).toBeNull();
  });
  it('curl\'s write-out: 000 is no answer', () => {
    expect(answered('000')).toBe(false);
    expect(answered('401')).toBe(true);
  });
});
