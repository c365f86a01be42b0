import type { HostReader } from '../env/types.js';
import type { Cpu, Note, System } from '../model/facts.js';
// STUB
export async function detectCpu(reader: HostReader, _notes: Note[]): Promise<Cpu> {
  return { vendor: null, model: null, arch: reader.arch(), sockets: null, cores: null, threads: null, flags: { vmx: false, svm: false }, kvm: { present: false, usable: false, reason: null }, nested: { module: null, enabled: null } };
}
export async function detectSystem(_reader: HostReader, _notes: Note[]): Promise<System> {
  return { vendor: null, product: null, virtual: null, hypervisor: null, firmware: null };
}
