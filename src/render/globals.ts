// globals.yml: only the keys the plan sets, each with a comment saying why. Booleans are YAML booleans
// (kolla-ansible 2026.1 switched its group_vars to real booleans).
import { Document, isMap, isPair, isScalar } from 'yaml';
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';

export function renderGlobals(plan: DeploymentPlan): RenderedFile {
  const data = Object.fromEntries(Object.entries(plan.kolla).map(([key, v]) => [key, v.value]));
  const doc = new Document(data);
  doc.commentBefore = [
    ` kolla-ansible globals for this machine, written by Cloud-in-a-Box (${plan.profile.title} profile,`,
    ` OpenStack ${plan.release.openstack}, kolla-ansible ${plan.release.kollaAnsible}). Everything not set here is kolla's default.`,
    ' Change the answers and re-render rather than editing this file: a re-render replaces it.',
  ].join('\n');
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (isPair(pair) && isScalar(pair.key)) pair.key.commentBefore = ` ${plan.kolla[String(pair.key.value)]!.why}`;
    }
  }
  return { path: 'kolla/globals.yml', mode: 0o644, content: doc.toString({ lineWidth: 0 }), secret: false };
}
