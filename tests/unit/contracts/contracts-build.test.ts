import { readFileSync } from 'node:fs';
import { buildPath, compileContract, CONTRACT_NAMES, renderBuild } from '../../support/contracts';

describe('contracts/build (the committed output of npm run contracts:build)', () => {
  it.each(CONTRACT_NAMES)(
    'when %s.sol is compiled with the pinned solc, then the committed build is byte for byte what it gives',
    (name) => {
      expect(readFileSync(buildPath(name), 'utf8')).toBe(renderBuild(compileContract(name)));
    },
  );
});
