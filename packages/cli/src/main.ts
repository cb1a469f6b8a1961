import { EXIT, run } from './run.js';

// The process's side of `ocp`: real streams, the environment and signals. Everything else is run().
const interruption = new AbortController();
// Only the commands that wait for the signal have something to undo (webhooks listen: its webhook).
const cleansUp = process.argv[2] === 'webhooks';
let interruptions = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interruptions += 1;
    // A second Ctrl+C, or a command with nothing to clean up, ends at once.
    if (interruptions > 1 || !cleansUp) process.exit(EXIT.interrupted);
    interruption.abort();
  });
}

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: interruption.signal,
});
process.exitCode = code;
