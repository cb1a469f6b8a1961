#!/usr/bin/env node
// The `ocp` command. In the repository (src/ is here) it runs the TypeScript source in this same
// process: tsx compiles it on the fly and a resolve hook adds the "ocp-source" export condition,
// so @ocp/sdk resolves to its source too; no child process, so stdio, exit codes and signals are
// simply this process's own, and a dist/ left by `npm pack` is never run stale. Installed from the
// tarball (bin/ and dist/ only), it runs the compiled dist/.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last, so it runs first and hands tsx (and Node) the extra condition.
  register('./ocp-source-condition.js', import.meta.url);
  await import(source.href);
} else {
  await import(new URL('../dist/main.js', import.meta.url).href);
}
