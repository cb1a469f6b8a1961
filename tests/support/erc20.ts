import { ContractFactory, id as keccakText, type Signer } from 'ethers';

/**
 * A minimal ERC-20 assembled here from EVM opcodes (no Solidity compiler is installed), enough for
 * the web3 tests: balanceOf, transfer (reverts when the sender holds too little, emits Transfer),
 * decimals (6). The constructor gives the whole supply to the deployer. Its behaviour, in Solidity:
 *
 *   contract MiniToken {
 *     mapping(address => uint256) balanceOf;          // slot = the address itself
 *     constructor() { balanceOf[msg.sender] = SUPPLY; }
 *     function decimals() external pure returns (uint8) { return 6; }
 *     function transfer(address to, uint256 v) external returns (bool) {
 *       require(balanceOf[msg.sender] >= v);
 *       balanceOf[msg.sender] -= v; balanceOf[to] += v;
 *       emit Transfer(msg.sender, to, v); return true;
 *     }
 *   }
 */
export const TOKEN_DECIMALS = 6;
export const TOKEN_SUPPLY = 1_000_000_000_000n; // 1,000,000 tokens of 6 decimals

type Op = string | { label: string } | { push: string };

const OPCODES: Record<string, number> = {
  STOP: 0x00,
  ADD: 0x01,
  SUB: 0x03,
  LT: 0x10,
  EQ: 0x14,
  SHR: 0x1c,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  CODECOPY: 0x39,
  CALLDATASIZE: 0x36,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMPI: 0x57,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  SWAP1: 0x90,
  SWAP2: 0x91,
  LOG3: 0xa3,
  RETURN: 0xf3,
  REVERT: 0xfd,
  MSTORE: 0x52,
};

/** Two passes: labels become 2-byte PUSH2 targets. `n:<hex>` pushes a constant with the smallest PUSH. */
function assemble(program: Op[]): string {
  const labels = new Map<string, number>();
  const size = (op: Op) => (typeof op === 'string' ? (op.startsWith('n:') ? 1 + op.slice(2).length / 2 : 1) : 'push' in op ? 3 : 1);
  let offset = 0;
  for (const op of program) {
    if (typeof op === 'object' && 'label' in op) labels.set(op.label, offset);
    offset += size(op);
  }
  let out = '';
  for (const op of program) {
    if (typeof op === 'object' && 'label' in op) out += '5b';
    else if (typeof op === 'object') out += '61' + labels.get(op.push)!.toString(16).padStart(4, '0');
    else if (op.startsWith('n:')) {
      const hex = op.slice(2);
      out += (0x5f + hex.length / 2).toString(16) + hex;
    } else out += OPCODES[op]!.toString(16).padStart(2, '0');
  }
  return out;
}

const n = (value: bigint | number, bytes = 1) => `n:${value.toString(16).padStart(bytes * 2, '0')}`;
const TRANSFER_TOPIC = keccakText('Transfer(address,address,uint256)').slice(2);

const RUNTIME = assemble([
  n(0),
  'CALLDATALOAD',
  n(0xe0),
  'SHR',
  'DUP1',
  n(0x70a08231, 4),
  'EQ',
  { push: 'balanceOf' },
  'JUMPI',
  'DUP1',
  n(0xa9059cbb, 4),
  'EQ',
  { push: 'transfer' },
  'JUMPI',
  'DUP1',
  n(0x313ce567, 4),
  'EQ',
  { push: 'decimals' },
  'JUMPI',
  { label: 'fail' },
  n(0),
  'DUP1',
  'REVERT',
  { label: 'balanceOf' },
  n(4),
  'CALLDATALOAD',
  'SLOAD',
  n(0),
  'MSTORE',
  n(32),
  n(0),
  'RETURN',
  { label: 'decimals' },
  n(TOKEN_DECIMALS),
  n(0),
  'MSTORE',
  n(32),
  n(0),
  'RETURN',
  { label: 'transfer' },
  'CALLER',
  'SLOAD',
  n(36),
  'CALLDATALOAD', // [v, bal]
  'DUP1',
  'DUP3',
  'LT',
  { push: 'fail' },
  'JUMPI', // bal < v -> revert
  'DUP1',
  'SWAP2',
  'SUB',
  'CALLER',
  'SSTORE', // balanceOf[sender] = bal - v; [v]
  n(4),
  'CALLDATALOAD',
  'DUP1',
  'SLOAD',
  'DUP3',
  'ADD',
  'SWAP1',
  'SSTORE', // balanceOf[to] += v; [v]
  n(0),
  'MSTORE',
  n(4),
  'CALLDATALOAD',
  'CALLER',
  `n:${TRANSFER_TOPIC}`,
  n(32),
  n(0),
  'LOG3',
  n(1),
  n(0),
  'MSTORE',
  n(32),
  n(0),
  'RETURN',
]);

/** Constructor: store the supply under the deployer, then return the runtime appended after this code. */
function initCode(): string {
  const runtimeBytes = RUNTIME.length / 2;
  const head = (offset: number) =>
    assemble([
      n(TOKEN_SUPPLY, 8),
      'CALLER',
      'SSTORE',
      n(runtimeBytes, 2),
      n(offset, 2),
      n(0),
      'CODECOPY',
      n(runtimeBytes, 2),
      n(0),
      'RETURN',
    ]);
  const headBytes = head(0).length / 2;
  return '0x' + head(headBytes) + RUNTIME;
}

export const MINI_TOKEN_ABI = [
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
];

/** Deploys the token from `deployer` (who holds the whole supply) and returns its address. */
export async function deployMiniToken(deployer: Signer): Promise<string> {
  const contract = await new ContractFactory(MINI_TOKEN_ABI, initCode(), deployer).deploy();
  await contract.waitForDeployment();
  return contract.getAddress();
}

/**
 * A contract that accepts plain value transfers until anyone calls it with data, after which every
 * value transfer reverts: lets a test make a send that passed its gas estimate revert when mined.
 *   receive() { require(!closed); }   fallback() { closed = true; }
 */
const GATE_RUNTIME = assemble([
  'CALLDATASIZE',
  { push: 'close' },
  'JUMPI',
  n(0),
  'SLOAD',
  { push: 'fail' },
  'JUMPI',
  'STOP',
  { label: 'close' },
  n(1),
  n(0),
  'SSTORE',
  'STOP',
  { label: 'fail' },
  n(0),
  'DUP1',
  'REVERT',
]);

export async function deployGate(deployer: Signer): Promise<string> {
  const bytes = GATE_RUNTIME.length / 2;
  const head = (offset: number) => assemble([n(bytes, 2), n(offset, 2), n(0), 'CODECOPY', n(bytes, 2), n(0), 'RETURN']);
  const contract = await new ContractFactory([], '0x' + head(head(0).length / 2) + GATE_RUNTIME, deployer).deploy();
  await contract.waitForDeployment();
  return contract.getAddress();
}
