// The layering of docs/ARCHITECTURE.md, checked in `npm test` (npm run lint:layers). Type-only imports count too:
// the UI must not know app/ or env/ types either.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'ui-imports-model-only',
      comment: 'The UI renders view data and calls callbacks: it imports model/ types and its own files, nothing else of src/.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/', pathNot: '^src/(ui|model)/' },
    },
    {
      name: 'run-not-to-ui',
      comment: 'The engine emits events; reporters in ui/ subscribe. It never calls the UI.',
      severity: 'error',
      from: { path: '^src/run/' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'pure-not-to-env',
      comment: 'Planning, rendering, the model and the rules are pure: texts in, values out. No env/, not even its types.',
      severity: 'error',
      from: { path: '^src/(plan|render|model|profiles|questions|preflight)/' },
      to: { path: '^src/env/' },
    },
    {
      name: 'detect-reads-through-host-reader',
      comment: 'Detection reads the machine through the HostReader it is given: env/types only.',
      severity: 'error',
      from: { path: '^src/detect/' },
      to: { path: '^src/env/', pathNot: '^src/env/types\\.ts$' },
    },
    {
      name: 'only-main-builds-the-env',
      comment: 'The real Env (and its host reader, files, processes, terminal) is built once, in main.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|env/)' },
      to: { path: '^src/env/(index|host|local-files|processes|terminal)\\.ts$' },
    },
    {
      name: 'side-effects-only-in-env',
      comment: 'Processes and the file system are reached through env/ only (one gateway per side effect).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/env/' },
      to: { path: '^(node:)?(child_process|fs|fs/promises|net|dgram|worker_threads|cluster)$|^execa$|(^|/)node_modules/execa/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
