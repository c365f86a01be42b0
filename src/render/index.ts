// renderFiles: plan → every file the install needs, as data. Pure but for the randomness of new secrets.
import { stringify } from 'yaml';
import type { AnswersFile } from '../model/answers.js';
import type { FileSet, RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';
import { renderAdminOpenrc, renderCloudsYaml } from './clouds.js';
import { renderGlobals } from './globals.js';
import { renderHostFiles, type HostTemplates } from './host.js';
import { renderInventory } from './inventory.js';
import { renderOsismRepository } from './osism.js';
import { renderOverrides } from './overrides.js';
import { renderPasswords, type RandomSource } from './passwords.js';

export interface RenderInput {
  plan: DeploymentPlan;
  /** The resolved answers, without secrets: saved so `--answers` reproduces the install. */
  answers: AnswersFile;
  /** The admin password from the answers; null → keep the existing one or generate. */
  adminPassword: string | null;
  /** An earlier kolla/passwords.yml in the output folder: its values are kept. */
  existingPasswords: string | null;
  /** Where existingPasswords came from, for error messages. */
  existingPasswordsFile?: string;
  /** templates/host/* texts (see app/inputs.ts loadHostTemplates). */
  templates: HostTemplates;
  /** The absolute folder the tree is written to: kolla's CONFIG_DIR is <outDir>/kolla (the CA lives below it). */
  outDir?: string;
  random: RandomSource;
}

export interface RenderResult {
  files: FileSet;
  /** Every secret value that went into the files: for redaction and for tests that scan output. */
  secrets: string[];
}

function collectSecrets(value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && value.length >= 8) into.add(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectSecrets(v, into);
}

/** Passwords inside the proxy URLs (http://user:PASSWORD@host:port): typed by a person, secret like the rest. */
export function typedSecrets(plan: DeploymentPlan): string[] {
  return [plan.proxy.http, plan.proxy.https].flatMap((url) => {
    const match = url ? /^[a-z]+:\/\/[^:/@\s]*:([^@/\s]+)@/i.exec(url) : null;
    return match ? [match[1]!, decodeURIComponentSafe(match[1]!)] : [];
  });
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export async function renderFiles(input: RenderInput): Promise<RenderResult> {
  const { plan } = input;
  const passwords = await renderPasswords({
    existing: input.existingPasswords,
    existingName: input.existingPasswordsFile,
    adminPassword: input.adminPassword,
    random: input.random,
  });
  const adminPassword = String(passwords.values.keystone_admin_password);
  const meta = (path: string, content: string): RenderedFile => ({ path, mode: 0o644, content, secret: false });
  const files: FileSet = [
    renderGlobals(plan),
    passwords.file,
    renderInventory(plan),
    ...renderOverrides(plan),
    ...renderHostFiles(plan, input.templates, input.outDir),
    renderCloudsYaml(plan, adminPassword, input.outDir),
    renderAdminOpenrc(plan, adminPassword, input.outDir),
    ...renderOsismRepository(plan, { passwords: passwords.values, adminPassword }, input.outDir),
    meta('ciab/answers.yaml', `# The answers behind this configuration (secrets left out). Reproduce it: ciab render --answers answers.yaml\n${stringify(input.answers)}`),
    meta('ciab/plan.json', `${JSON.stringify(plan, null, 2)}\n`),
  ];
  const secrets = new Set<string>();
  collectSecrets(passwords.values, secrets);
  secrets.add(adminPassword);
  for (const typed of typedSecrets(plan)) secrets.add(typed);
  // A typed secret (a proxy's password) makes any file that carries it a secret file: 0600, never diffed.
  const marked = files.map((file) => (!file.secret && [...secrets].some((s) => s.length >= 4 && file.content.includes(s)) ? { ...file, secret: true, mode: 0o600 } : file));
  return { files: marked, secrets: [...secrets] };
}
