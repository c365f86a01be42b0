// The questions' types: what is asked, the answers keyed by dotted answers-file key, and what a question sees.
// The definitions (data and their computations) are in questions/definitions.ts.
import type { Answers } from './answers.js';
import type { HostFacts } from './facts.js';
import type { Profile, StorageBackend } from './profile.js';

export interface QuestionContext {
  facts: HostFacts;
  profiles: readonly Profile[];
  /** The recommended profile id from the ranking (null when nothing fits). */
  recommended: string | null;
  /** Answers resolved so far (questions are resolved in order). */
  answers: Partial<FlatAnswers>;
  env: { http_proxy?: string; https_proxy?: string; no_proxy?: string; timezone?: string };
  /** What app/ found out on the network before resolving (null/absent: not probed or unknown). */
  probes?: { registryScheme?: 'https' | 'http' | null };
}

/** Answers keyed by dotted answers-file key. */
export type FlatAnswers = {
  profile: string;
  'network.management_interface': string;
  'network.access': 'local' | 'lan';
  'network.external_interface': string | null;
  'network.floating_cidr': string;
  'network.floating_range': string;
  'network.floating_gateway': string;
  'network.vip': string | null;
  'storage.backend': StorageBackend;
  'storage.disks': Answers['storage']['disks'];
  'storage.wipe': string[];
  admin_password: string | null;
  domain: string;
  'proxy.http': string | null;
  'proxy.https': string | null;
  'proxy.no_proxy': string | null;
  timezone: string;
  'images.registry': string | null;
  'images.offline_bundle': string | null;
  'images.registry_scheme': 'https' | 'http' | null;
};
export type AnswerKey = keyof FlatAnswers;

export interface Choice {
  value: string;
  label: string;
  /** Shown but not selectable, with the reason. */
  disabled?: string;
}

export interface Question<K extends AnswerKey = AnswerKey> {
  key: K;
  /** Short title, also the comment headline in the answers template. */
  title: string;
  /** One or two sentences: what it decides and what to consider. */
  help: string;
  kind: 'choice' | 'text' | 'ip' | 'cidr' | 'range' | 'password' | 'disks' | 'list';
  /** Asked only when this holds (e.g. the external NIC only for LAN access). Unasked questions take `skipValue`. */
  when?: (ctx: QuestionContext) => boolean;
  skipValue?: FlatAnswers[K];
  choices?: (ctx: QuestionContext) => Choice[];
  /** A default worked out from the machine; undefined when there is none. */
  computed?: (ctx: QuestionContext) => FlatAnswers[K] | undefined;
  /** A fixed default; undefined means the question must be answered. */
  fallback?: FlatAnswers[K];
  /** null when fine, else what is wrong (one line, no key — the caller adds file:line:key). */
  validate?: (value: FlatAnswers[K], ctx: QuestionContext) => string | null;
  secret?: boolean;
  /** null is a real answer here (no proxy, generate a password); elsewhere null in a file means unanswered. */
  nullable?: boolean;
  /** Example for the answers template when there is no default. */
  example?: string;
}
