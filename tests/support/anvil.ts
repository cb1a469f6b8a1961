import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { JsonRpcProvider, Network, Wallet } from 'ethers';

export const ANVIL_CHAIN_ID = 31337;
/** Anvil's first dev account (from its well-known test mnemonic), pre-funded with 10,000 ETH. */
export const DEV_ACCOUNT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const STARTUP_TIMEOUT_MS = 15_000;

/** The platform binary the npm package installs; the package's own launcher is an ES module wrapper. */
export function anvilBinary(): string {
  const platformPackage = `@foundry-rs/anvil-${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const path = join(require.resolve(`${platformPackage}/package.json`), '..', 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(path)) throw new Error(`anvil binary not found at ${path}`);
  return path;
}

export interface Anvil {
  rpcUrl: string;
  chainId: number;
  /** A provider without caching or batching, so each read sees the chain as it is now. */
  provider: JsonRpcProvider;
  /** A signer for the pre-funded dev account. */
  devAccount: Wallet;
  /** Mines `blocks` empty blocks (to reach a number of confirmations). */
  mine(blocks?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a real local EVM node on 127.0.0.1 (automining, chain id 31337). Stop it in afterAll. */
/** `hardfork`: e.g. 'berlin' for a chain without EIP-1559 base fees. */
export async function startAnvil(options: { hardfork?: string } = {}): Promise<Anvil> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    anvilBinary(),
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--chain-id',
      String(ANVIL_CHAIN_ID),
      '--accounts',
      '3',
      '--silent',
      ...(options.hardfork ? ['--hardfork', options.hardfork] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const rpcUrl = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(rpcUrl, Network.from(ANVIL_CHAIN_ID), {
    staticNetwork: true,
    cacheTimeout: -1,
    batchMaxCount: 1,
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      await provider.getBlockNumber();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`anvil did not start on ${rpcUrl}: ${stderr || String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    rpcUrl,
    chainId: ANVIL_CHAIN_ID,
    provider,
    devAccount: new Wallet(DEV_ACCOUNT_KEY, provider),
    mine: async (blocks = 1) => {
      await provider.send('anvil_mine', [`0x${blocks.toString(16)}`]);
    },
    stop: async () => {
      provider.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
