#!/usr/bin/env node
// npm run bench [-- --runs N] — medians over several runs, each in a fresh process where startup matters.
// This machine is shared and noisy: read the ratios and medians, not single numbers.
import { execFileSync, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 11;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function timeProcess(args, options = {}) {
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    const result = spawnSync(args[0], args.slice(1), { cwd: root, encoding: 'utf8', env: { ...process.env, ...options.env } });
    times.push(performance.now() - started);
    if (result.status !== 0 && !options.allowFail) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  }
  return median(times);
}

/** Run a snippet in a fresh node process RUNS times; the snippet prints its own measured ms. */
function timeInFreshProcess(code) {
  const values = [];
  for (let i = 0; i < RUNS; i += 1) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    values.push(Number(out.trim().split('\n').pop()));
  }
  return median(values);
}

const rows = [];
const add = (name, value, target) => rows.push({ name, value, target });

if (!only || only === 'detect') {
  const cli = timeProcess([process.execPath, 'bin/ciab', 'detect', '--json']);
  add('ciab detect --json (whole process, wall)', fmt(cli), '≤ 400 ms');
  const cliOffline = timeProcess([process.execPath, 'bin/ciab', 'detect', '--json', '--no-uplink-check']);
  add('ciab detect --json --no-uplink-check (whole process)', fmt(cliOffline), '');
  const ours = timeInFreshProcess(`
    import { performance } from 'node:perf_hooks';
    const { detectHost } = await import('./dist/detect/index.js');
    const { createHostReader } = await import('./dist/env/host.js');
    const t = performance.now(); await detectHost(createHostReader(), { uplink: false }); console.log(performance.now() - t);`);
  const si = timeInFreshProcess(`
    import { performance } from 'node:perf_hooks';
    const si = (await import('systeminformation')).default;
    const t = performance.now(); await si.getStaticData(); console.log(performance.now() - t);`);
  add('detectHost() in a fresh process (no uplink probe)', fmt(ours), '');
  add('systeminformation.getStaticData() in a fresh process', fmt(si), '');
  add('ratio getStaticData / detectHost', `${(si / ours).toFixed(1)}×`, '≥ 10×');
}

if (!only || only === 'plan') {
  try {
    const planMs = timeInFreshProcess(`
      import { performance } from 'node:perf_hooks';
      const { benchPlanning } = await import('./dist/bench/plan.js');
      console.log(await benchPlanning(200));`);
    add('planning after detection (rank + preflight + plan, median of 200 in-process)', fmt(planMs), '≤ 50 ms');
  } catch (error) {
    if (!String(error).includes('ERR_MODULE_NOT_FOUND')) throw error;
  }
}

if (!only || only === 'render') {
  try {
    const renderMs = timeInFreshProcess(`
      const { benchRendering } = await import('./dist/bench/render.js');
      console.log(await benchRendering(50));`);
    add('render the largest profile (sandbox), incl. key generation, median of 50', fmt(renderMs), '≤ 100 ms');
  } catch (error) {
    if (!String(error).includes('ERR_MODULE_NOT_FOUND')) throw error;
  }
}

console.log(`\nCloud-in-a-Box benchmark — ${RUNS} runs each, medians (node ${process.version}, ${new Date().toISOString()})\n`);
const width = Math.max(...rows.map((r) => r.name.length));
for (const row of rows) console.log(`${row.name.padEnd(width)}  ${row.value.padStart(10)}  ${row.target}`);
