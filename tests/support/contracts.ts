import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContractFactory, type InterfaceAbi, type Signer } from 'ethers';

/**
 * The project's own Solidity contracts (contracts/*.sol), compiled by the pinned `solc` npm package.
 * The build output is committed (contracts/build/<Name>.json) so tests deploy without compiling;
 * `npm run contracts:build` rewrites it and tests/unit/contracts-build.test.ts checks that the
 * committed output is what the source compiles to.
 */
export const CONTRACTS_DIR = join(__dirname, '..', '..', 'contracts');
export const CONTRACT_NAMES = ['TestUsdc'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface ContractBuild {
  contractName: string;
  compiler: string;
  abi: InterfaceAbi;
  bytecode: string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
}

/** Compiles one contract with fixed settings (optimizer on, 200 runs, no metadata hash), so the output is reproducible. */
export function compileContract(name: ContractName): ContractBuild {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- solc ships CommonJS without ES module types
  const solc = require('solc') as { version(): string; compile(input: string): string };
  const file = `${name}.sol`;
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: readFileSync(join(CONTRACTS_DIR, file), 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const compiled = output.contracts[file]?.[name];
  if (!compiled) throw new Error(`${file} has no contract ${name}`);
  return { contractName: name, compiler: solc.version(), abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` };
}

export const buildPath = (name: ContractName) => join(CONTRACTS_DIR, 'build', `${name}.json`);

export function renderBuild(build: ContractBuild): string {
  return `${JSON.stringify(build, null, 2)}\n`;
}

export function committedBuild(name: ContractName): ContractBuild {
  return JSON.parse(readFileSync(buildPath(name), 'utf8')) as ContractBuild;
}

/** Deploys a contract from its committed build; returns its address. */
export async function deployContract(name: ContractName, deployer: Signer): Promise<string> {
  const build = committedBuild(name);
  const contract = await new ContractFactory(build.abi, build.bytecode, deployer).deploy();
  await contract.waitForDeployment();
  return contract.getAddress();
}
