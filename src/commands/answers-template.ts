// `ciab answers-template`
import { openSession } from '../app/session.js';
import { answersTemplate } from '../questions/template.js';

export async function runAnswersTemplate(options: { forThisMachine?: boolean; facts?: string }): Promise<void> {
  if (!options.forThisMachine && !options.facts) {
    process.stdout.write(answersTemplate());
    return;
  }
  const session = await openSession({ factsFile: options.facts, detect: { uplink: false }, stateDir: '/nonexistent' });
  process.stdout.write(
    answersTemplate({ facts: session.facts, profiles: session.profiles, recommended: session.ranking.recommended, answers: session.resolution.answers, env: {} }),
  );
}
