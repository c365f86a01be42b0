// Our service names → kolla's enable_* switches. Only switches that differ from kolla's defaults for the
// profile are written, each with its reason.
import type { KollaVar } from '../model/plan.js';
import type { ServiceId } from '../model/profile.js';

/** Services kolla turns on by default (enable_openstack_core and friends) that a profile may leave out. */
const DEFAULT_ON: ReadonlyArray<[ServiceId, string]> = [['heat', 'enable_heat']];

/** Services off in kolla by default, with the switches that turn them on. */
const OPT_IN: ReadonlyArray<[ServiceId, Record<string, boolean>]> = [
  ['cinder', { enable_cinder: true }],
  ['designate', { enable_designate: true }],
  ['octavia', { enable_octavia: true }],
  ['barbican', { enable_barbican: true }],
  ['magnum', { enable_magnum: true }],
  ['skyline', { enable_skyline: true }],
  ['grafana', { enable_grafana: true }],
  ['opensearch', { enable_opensearch: true, enable_central_logging: true }],
];

export function serviceSwitches(services: readonly ServiceId[]): Record<string, KollaVar> {
  const vars: Record<string, KollaVar> = {};
  const has = (s: ServiceId) => services.includes(s);
  for (const [service, key] of DEFAULT_ON) {
    if (!has(service)) vars[key] = { value: false, why: `${service} is not part of this profile` };
  }
  for (const [service, switches] of OPT_IN) {
    if (!has(service)) continue;
    for (const [key, value] of Object.entries(switches)) vars[key] = { value, why: `${service} is part of this profile` };
  }
  if (has('prometheus')) {
    vars.enable_prometheus = { value: true, why: 'metrics: Prometheus with its exporters' };
  } else if (has('prometheus-exporters')) {
    vars.enable_prometheus = { value: true, why: 'monitoring exporters, scraped by the site\'s own Prometheus' };
    vars.enable_prometheus_server = { value: false, why: 'no Prometheus server on the box: only the exporters' };
    vars.enable_prometheus_alertmanager = { value: false, why: 'alerting belongs to the central monitoring' };
  }
  return vars;
}
