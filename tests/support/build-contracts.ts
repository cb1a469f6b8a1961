import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildPath, compileContract, CONTRACT_NAMES, renderBuild } from './contracts';

// `npm run contracts:build`: compiles contracts/*.sol with the pinned solc and rewrites contracts/build/.
for (const name of CONTRACT_NAMES) {
  const path = buildPath(name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderBuild(compileContract(name)));
  process.stdout.write(`wrote ${path}\n`);
}
