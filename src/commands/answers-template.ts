// `ciab answers-template`
import { openSession } from '../app/session.js';
import type { Env } from '../env/types.js';
import { answersTemplate } from '../questions/template.js';

export async function runAnswersTemplate(env: Env, options: { forThisMachine?: boolean; facts?: string }): Promise<void> {
  if (!options.forThisMachine && !options.facts) {
    env.terminal.stdout.write(answersTemplate());
    return;
  }
  const session = await openSession(env, { factsFile: options.facts, detect: { uplink: false }, stateDir: '/nonexistent' });
  env.terminal.stdout.write(
    answersTemplate({ facts: session.facts, profiles: session.profiles, recommended: session.ranking.recommended, answers: session.resolution.answers, env: {} }),
  );
}
