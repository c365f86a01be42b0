// Pure parts of the engine: the known-errors table, the redactor, the callback
// line parser and the reducer's failure record.
import { describe, expect, test } from 'vitest';
import { KNOWN_ERRORS, matchKnownError } from '../../src/run/known-errors.js';
import { parseCallbackLine } from '../../src/run/callback-events.js';
import { CallbackReducer } from '../../src/run/phase-runner.js';
import { createRedactor, secretsFromPasswordsYaml } from '../../src/run/redact.js';
import type { InstallerEvent } from '../../src/model/events.js';

describe('known errors', () => {
  test('K01–K15 are seeded and each matches its own kolla text', () => {
    expect(KNOWN_ERRORS.map((k) => k.id)).toEqual(Array.from({ length: 15 }, (_, i) => `K${String(i + 1).padStart(2, '0')}`));
    const samples: Array<[string, string, string | null, string]> = [
      ['K01', 'kolla-prechecks', null, 'Hostname has to resolve uniquely to the IP address of api_interface'],
      ['K02', 'kolla-prechecks', 'loadbalancer : Checking if kolla_internal_vip_address and kolla_external_vip_address are not pingable from any node', 'non-zero return code'],
      ['K07', 'kolla-deploy', 'mariadb : Wait for first MariaDB service port liveness', 'Timeout when waiting for search string MariaDB in 10.0.0.11:3306'],
      ['K10', 'kolla-pull', null, 'Unknown error message: toomanyrequests: You have reached your pull rate limit'],
      ['K10', 'kolla-pull', null, 'Unknown error message: Get "https://quay.io/v2/": dial tcp: lookup quay.io on 10.0.2.3:53: no such host'],
      ['K12', 'kolla-prechecks', null, 'Kolla images from quay.io/openstack.kolla namespace are meant only for testing purposes, if you want to continue using them please use --use-test-images CLI argument'],
      ['K13', 'kolla-deploy', 'keystone : Running Keystone bootstrap container', 'Container exited with non-zero return code 1'],
      ['K14', 'kolla-deploy', null, 'The following Nova compute services failed to register themselves: node1'],
      ['K15', 'kolla-prechecks', null, 'Timeout when waiting for 10.0.0.11:3306 to stop.'],
    ];
    for (const [id, phase, task, message] of samples) expect(matchKnownError({ phase, task, message, stderrTail: null })?.id).toBe(id);
    expect(matchKnownError({ phase: 'kolla-deploy', task: 'x', message: 'something else entirely', stderrTail: null })).toBeNull();
  });
});

describe('redaction', () => {
  test('every passwords.yml value, multi-line keys line by line, is masked', () => {
    const yaml = 'a_password: abcdefghij123\nnova_ssh_key:\n  private_key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEpAIBAAKCAQEAxyz0123456789\n    -----END RSA PRIVATE KEY-----\nshort: abc\n';
    const r = createRedactor(secretsFromPasswordsYaml(yaml));
    expect(r.redact('x abcdefghij123 y MIIEpAIBAAKCAQEAxyz0123456789')).toBe('x ******** y ********');
    expect(r.redact('abc stays')).toBe('abc stays');
  });
});

describe('callback events', () => {
  test('bad lines are ignored; a failed result becomes the failure with the redacted message', () => {
    expect(parseCallbackLine('{"seq": 1, "t": 1, "event": "task_sta')).toBeNull();
    expect(parseCallbackLine('not json')).toBeNull();
    const emitted: InstallerEvent[] = [];
    const reducer = new CallbackReducer('kolla-deploy', 'run1', 10, createRedactor(['s3cr3tvalue']), (e) => emitted.push(e));
    const lines = [
      '{"v":1,"seq":0,"t":1,"event":"playbook_start","pid":42}',
      '{"v":1,"seq":1,"t":2,"event":"play_start","name":"Apply role mariadb"}',
      '{"v":1,"seq":2,"t":3,"event":"task_start","name":"mariadb : Wait","uuid":"u1","role":"mariadb"}',
      '{"v":1,"seq":3,"t":4,"event":"retry","task_uuid":"u1","task":"mariadb : Wait","host":"n1","attempt":1,"retries":10,"delay":6}',
      '{"v":1,"seq":4,"t":5.5,"event":"result","task_uuid":"u1","task":"mariadb : Wait","host":"n1","status":"failed","msg":"bad s3cr3tvalue","stderr_tail":"err"}',
    ];
    lines.forEach((l, i) => reducer.reduce(parseCallbackLine(l)!, i));
    expect(reducer.ansiblePid).toBe(42);
    expect(emitted.map((e) => e.type)).toEqual(['play_started', 'task_started', 'task_retry', 'task_result']);
    expect(emitted[3]).toMatchObject({ durationMs: 2500, message: 'bad ********' });
    expect(reducer.lastFailure).toMatchObject({ play: 'Apply role mariadb', task: 'mariadb : Wait', host: 'n1', message: 'bad ********' });
    expect(reducer.counts.failed).toBe(1);
  });
});

describe('input hashes', () => {
  test('what kolla writes into its config dir (openrc, clouds.yaml, certificates) does not change them', async () => {
    const { hashInputs } = await import('../../src/run/state.js');
    const tree = new Map([['kolla/globals.yml', 'a: 1'], ['host/x', 'y']]);
    const before = hashInputs(tree, ['kolla/']);
    const after = hashInputs(new Map([...tree, ['kolla/admin-openrc.sh', 'x'], ['kolla/clouds.yaml', 'c'], ['kolla/certificates/ca/root.crt', 'r']]), ['kolla/']);
    expect(after).toBe(before);
    expect(hashInputs(new Map([...tree, ['kolla/globals.yml', 'a: 2']]), ['kolla/'])).not.toBe(before);
    expect(hashInputs(new Map([...tree, ['host/x', 'z']]), ['kolla/'])).toBe(before);
  });

  test("the plan's list of host changes is not an input (it shrinks as prepare-host does its work); the rest of the plan is", async () => {
    const { changedInputs, hashInputs, inputDigests } = await import('../../src/run/state.js');
    const plan = (changes: string[], vip: string) => JSON.stringify({ network: { vip }, changes: changes.map((what) => ({ area: 'files', what })) }, null, 2);
    const tree = (text: string) => new Map([['ciab/plan.json', text], ['host/etc/x', 'y']]);
    const first = tree(plan(['/etc/hosts: ciab-vm → 10.0.2.15', 'LVM volume group'], '10.0.2.15'));
    const afterPrepare = tree(plan(['LVM volume group'], '10.0.2.15'));
    expect(hashInputs(afterPrepare, ['ciab/', 'host/'])).toBe(hashInputs(first, ['ciab/', 'host/']));
    const moved = tree(plan(['LVM volume group'], '10.0.2.16'));
    expect(hashInputs(moved, ['ciab/', 'host/'])).not.toBe(hashInputs(first, ['ciab/', 'host/']));
    expect(changedInputs(inputDigests(first, ['ciab/', 'host/']), inputDigests(moved, ['ciab/', 'host/']))).toEqual(['ciab/plan.json']);
    expect(changedInputs({ 'a': '1', 'b': '2' }, { 'b': '3', 'c': '4' })).toEqual(['a', 'b', 'c']);
  });
});
