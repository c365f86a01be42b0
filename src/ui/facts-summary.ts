// The readable `ciab detect` summary: what the machine is, what suits a cloud and what doesn't, and why.
import type { Disk, HostFacts, Nic } from '../model/facts.js';
import { formatBytes } from '../model/units.js';
import type { Style } from './style.js';

export function formatFactsSummary(facts: HostFacts, style: Style, { footer = true } = {}): string {
  const lines: string[] = [];
  const { icon } = style;
  const good = (text: string) => `${style.ok(icon.ok)} ${text}`;
  const warn = (text: string) => `${style.warn(icon.warn)} ${text}`;
  const bad = (text: string) => `${style.bad(icon.block)} ${text}`;
  const info = (text: string) => `${style.dim(icon.info)} ${text}`;
  const row = (label: string, text: string) => `  ${label.padEnd(10)}${text}`;

  lines.push(style.bold('This machine'));
  const { system, cpu, memory, os } = facts;
  const machine = [system.vendor, system.product].filter(Boolean).join(' ') || 'unknown vendor/model';
  const where = system.virtual
    ? `a virtual machine (${system.hypervisor ?? 'unknown hypervisor'})`
    : system.virtual === false
      ? 'bare metal'
      : 'bare metal or VM: unknown';
  lines.push(row('Machine', `${machine}; ${where}${system.container ? `, inside a ${system.container} container` : ''}; ${system.firmware?.toUpperCase() ?? '?'} firmware`));
  const counts = [cpu.sockets && `${cpu.sockets} socket${cpu.sockets > 1 ? 's' : ''}`, cpu.cores && `${cpu.cores} cores`, cpu.threads && `${cpu.threads} threads`]
    .filter(Boolean)
    .join(', ');
  lines.push(row('CPU', `${cpu.model ?? 'unknown model'} (${cpu.arch}), ${counts || 'counts unknown'}`));
  lines.push(
    row(
      'KVM',
      cpu.kvm.usable === true
        ? good(`/dev/kvm works${cpu.kvm.backend ? ` (${cpu.kvm.backend})` : ''}: a test guest ran, instances run with hardware virtualization`)
        : warn(`${cpu.kvm.reason ?? 'not usable'} — instances would run under slow software emulation (qemu)`),
    ),
  );
  if (cpu.kvm.usable !== true && cpu.kvm.guest.detail) lines.push(row('', info(`guest probe: ${cpu.kvm.guest.detail}`)));
  if (system.virtual && cpu.kvm.usable === true && !cpu.flags.vmx && !cpu.flags.svm) {
    lines.push(row('', info('the CPU flags show no vmx/svm inside this VM, but a test guest ran: nested virtualization works')));
  }
  const swap = memory.swapTotalBytes ? `${formatBytes(memory.swapTotalBytes)} swap` : 'no swap';
  lines.push(row('Memory', `${formatBytes(memory.totalBytes)} total, ${formatBytes(memory.availableBytes)} available, ${swap}`));
  lines.push(row('OS', `${os.prettyName ?? 'unknown distribution'}, kernel ${os.kernel ?? '?'}, init ${os.init ?? '?'}`));
  lines.push(row('', os.kollaSupported ? (os.kollaSupportNote.includes('dropped') ? warn(os.kollaSupportNote) : good(os.kollaSupportNote)) : bad(os.kollaSupportNote)));
  lines.push(row('Python', os.python3 ? `${os.python3} (/usr/bin/python3)` : bad('/usr/bin/python3 not found: kolla-ansible needs Python 3.11+')));
  const engines = os.containerEngines.filter((e) => e.installed).map((e) => `${e.name} ${e.running ? 'running' : 'installed, not running'}`);
  lines.push(row('Engines', engines.length > 0 ? engines.join('; ') : 'no container engine yet (the installer sets up Docker)'));
  lines.push(row('Images', `${formatBytes(os.imagesFreeBytes)} free on ${os.imagesPath} for container images`));
  lines.push(
    row(
      'Time',
      os.timeSync.synchronized
        ? good(`clock synchronized${os.timeSync.service ? ` (${os.timeSync.service})` : ''}`)
        : os.timeSync.synchronized === false
          ? warn(`clock not synchronized${os.timeSync.service ? ` (${os.timeSync.service} runs)` : ''}: kolla's prechecks need NTP`)
          : info(`clock synchronization unknown${os.timeSync.service ? ` (${os.timeSync.service} runs)` : ''}`),
    ),
  );
  for (const clash of os.services.clashing) lines.push(row('Clash', bad(`${clash} is running`)));

  lines.push('', style.bold('Disks'));
  if (facts.disks.length === 0) lines.push(`  ${info('no block devices found')}`);
  for (const disk of facts.disks) lines.push(`  ${formatDisk(disk, style)}`);
  const spare = facts.disks.filter((d) => d.usable);
  lines.push(
    `  ${spare.length > 0 ? good(`${spare.length} disk(s) free for cloud storage (cinder LVM or Ceph), ${formatBytes(spare.reduce((s, d) => s + (d.sizeBytes ?? 0), 0))} in all`) : info('no spare disk: volumes can live in a loop file on the root filesystem instead')}`,
  );

  lines.push('', style.bold('Network'));
  for (const nic of facts.nics) lines.push(`  ${formatNic(nic, style)}`);
  const net = facts.network;
  lines.push(row('Route', net.defaultRoute ? `default via ${net.defaultRoute.gateway ?? '(no gateway)'} on ${net.defaultRoute.interface}` : bad('no default route: the installer needs an uplink or an offline bundle')));
  lines.push(row('DNS', net.dns.length > 0 ? net.dns.join(', ') : warn('no DNS servers configured')));
  lines.push(
    row(
      'Hostname',
      net.hostnameLoopbackTrap
        ? warn(`${net.hostname} resolves to ${net.hostnameAddresses.join(', ')} — RabbitMQ needs it to resolve to the management IP (the installer fixes /etc/hosts)`)
        : `${net.hostname}${net.hostnameAddresses.length > 0 ? ` → ${net.hostnameAddresses.join(', ')}` : ' (does not resolve)'}`,
    ),
  );
  const up = net.uplink;
  lines.push(
    row(
      'Uplink',
      !up.checked
        ? info('not checked')
        : up.reachable
          ? good(`${up.target} reachable in ${up.ms} ms`)
          : warn(`${up.target} not reachable (${up.error ?? 'no answer'}): container images must come from a local registry or an offline bundle`),
    ),
  );
  const external = facts.nics.filter((n) => n.role === 'external');
  lines.push(
    `  ${external.length > 0 ? good(`spare interface for floating IPs on the LAN: ${external.map((n) => n.name).join(', ')}`) : info('one NIC in use: floating IPs will be local to this machine (veth pair + bridge + NAT)')}`,
  );

  lines.push('', style.bold('Ports kolla needs'));
  if (facts.portsInUse.length === 0) lines.push(`  ${good('all free')}`);
  for (const port of facts.portsInUse) {
    lines.push(`  ${bad(`${port.port} is in use on ${port.address}${port.process ? ` by ${port.process} (pid ${port.pid})` : ''}`)}`);
  }

  if (facts.notes.length > 0) {
    lines.push('', style.bold('Unknown'));
    for (const note of facts.notes) lines.push(`  ${info(`${note.fact}: ${note.message}`)}`);
  }
  if (footer) lines.push('', style.dim(`Detected in ${facts.durationMs} ms. Next: \`ciab plan\` shows which cloud fits this machine; --json prints all of this as data.`));
  lines.push('');
  return lines.join('\n');
}

function formatDisk(disk: Disk, style: Style): string {
  const what = [formatBytes(disk.sizeBytes), disk.transport, disk.rotational ? 'HDD' : disk.rotational === false ? 'SSD' : null, disk.model]
    .filter(Boolean)
    .join(', ');
  const head = `${disk.path.padEnd(14)} ${what}`;
  if (disk.usable) return `${style.ok(style.icon.ok)} ${head} — free for cloud storage`;
  const why = disk.reasons.map((r) => r.message).join('; ');
  return `${style.dim(style.icon.block)} ${head} — ${style.dim(why)}`;
}

function formatNic(nic: Nic, style: Style): string {
  const addresses = nic.addresses.filter((a) => a.scope !== 'link').map((a) => `${a.address}/${a.prefixlen}`);
  const speed = nic.speedMbps ? `${nic.speedMbps >= 1000 ? `${nic.speedMbps / 1000} Gb/s` : `${nic.speedMbps} Mb/s`}` : null;
  const state = [nic.operstate, nic.carrier === false ? 'no cable' : null, speed].filter(Boolean).join(', ');
  const detail = [nic.kind, state, addresses.join(' ') || 'no address', nic.master ? `in ${nic.master}` : null].filter(Boolean).join(' · ');
  const role =
    nic.role === 'management'
      ? style.ok(' → management (API) interface')
      : nic.role === 'external'
        ? style.ok(' → candidate for the external (floating IP) network')
        : '';
  return `${nic.role ? style.ok('●') : style.dim('○')} ${nic.name.padEnd(12)} ${detail}${role}`;
}
