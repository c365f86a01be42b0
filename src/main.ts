// Entry point of bin/ciab. Kept tiny: everything else is imported by the command that needs it.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv);
