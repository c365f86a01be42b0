// Entry point of bin/ciab: builds the one Env and runs the command line over it. Kept tiny: everything else is
// imported by the command that needs it.
import { runCli } from './cli.js';
import { createEnv } from './env/index.js';

process.exitCode = await runCli(process.argv, createEnv());
