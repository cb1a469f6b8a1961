import { getAddress, hexlify, randomBytes, TypedDataEncoder, Wallet } from 'ethers';
import { ChainRegistry } from '../../../src/modules/web3/chain-registry';
import { EIP3009_TOKEN, TRANSFER_WITH_AUTHORIZATION_TYPES, type TransferAuthorization } from '../../../src/modules/web3/eip3009';
import type { Eip3009Settlement, Eip3009SettlementRepository } from '../../../src/modules/web3/eip3009-settlement.repository';
import { Eip3009SettlementService, GAS_WALLET_ID, type AuthorizationToSettle } from '../../../src/modules/web3/eip3009-settlement.service';
import { ChainRejected, ChainUnreachable, type EvmRpc } from '../../../src/modules/web3/evm-rpc';
import type { KeyVault } from '../../../src/modules/web3/vault/key-vault';
import type { Web3Repository, Web3Wallet } from '../../../src/modules/web3/web3.repository';
import { Unavailable } from '../../../src/shared/errors';
import type { Transaction, TransactionRunner } from '../../../src/shared/transaction';

const CHAIN_ID = 31337;
const TOKEN = getAddress('0x' + '11'.repeat(20));
const DOMAIN = { name: 'USD Coin', version: '2' };
const NOW = new Date('2026-12-06T12:00:00Z');
const NOW_S = BigInt(NOW.getTime() / 1000);
const PRICE = 10_000n;
const TX_HASH = '0x' + 'ab'.repeat(32);
const buyer = Wallet.createRandom();
const payee: Web3Wallet = {
  id: 'w3w_payee',
  ownerId: 'usr_payee',
  address: Wallet.createRandom().address,
  chainId: null,
  label: null,
  createdAt: NOW,
} as Web3Wallet;
const gasWallet: Web3Wallet = { ...payee, id: GAS_WALLET_ID, ownerId: 'system:eip3009-gas', address: Wallet.createRandom().address };

/** What the fake node answers; each test changes what it needs. */
interface Node {
  used: boolean;
  /** The latest block's timestamp, seconds. */
  blockTime: bigint;
  /** The block the last eth_call was pinned to (undefined: latest). */
  lastCallBlock?: number;
  tokenBalance: bigint;
  separator: string | null;
  callError: Error | null;
  garbledReply: boolean;
  gasBalance: bigint;
  estimateError: Error | null;
  broadcastError: Error | null;
  receipt: 'success' | 'reverted' | null;
  known: boolean;
}

function fakeRpc(node: Node): EvmRpc {
  return {
    getBlockNumber: async () => 1,
    getLatestBlock: async () => {
      if (node.callError) throw node.callError;
      return { number: 1, timestamp: Number(node.blockTime) };
    },
    getBalance: async () => node.gasBalance,
    call: async (_to, data, blockNumber) => {
      node.lastCallBlock = blockNumber;
      if (node.callError) throw node.callError;
      if (node.garbledReply) return '0x01';
      const fn = EIP3009_TOKEN.getFunction(data.slice(0, 10))!;
      const values: Record<string, unknown> = {
        DOMAIN_SEPARATOR: node.separator,
        authorizationState: node.used,
        balanceOf: node.tokenBalance,
      };
      return EIP3009_TOKEN.encodeFunctionResult(fn, [values[fn.name]]);
    },
    getPendingNonce: async () => 0,
    estimateGas: async () => {
      if (node.estimateError) throw node.estimateError;
      return 100_000n;
    },
    getFees: async () => ({ type: 2, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n }),
    broadcast: async () => {
      if (node.broadcastError) throw node.broadcastError;
      return TX_HASH;
    },
    getReceipt: async () => (node.receipt ? { blockNumber: 7, status: node.receipt, gasUsed: 50_000n } : null),
    knowsTransaction: async () => node.known,
    close: () => undefined,
  };
}

const db: TransactionRunner = {
  transaction: (fn) => fn({} as Transaction),
  transactionWithRetry: (fn) => fn({} as Transaction),
  isAfterEarlierFailure: () => false,
};

function setup(options: { gasWalletExists?: boolean; insertWallet?: (appear: () => void) => Promise<void> } = {}) {
  const node: Node = {
    used: false,
    blockTime: NOW_S,
    tokenBalance: 1_000_000n,
    separator: TypedDataEncoder.hashDomain({ ...DOMAIN, chainId: CHAIN_ID, verifyingContract: TOKEN }),
    callError: null,
    garbledReply: false,
    gasBalance: 10n ** 18n,
    estimateError: null,
    broadcastError: null,
    receipt: 'success',
    known: false,
  };
  const chains = new ChainRegistry([{ chainId: CHAIN_ID, confirmations: 1, nativeSymbol: 'ETH', tokens: { USDC: TOKEN } } as never], () =>
    fakeRpc(node),
  );
  let gasExists = options.gasWalletExists ?? true;
  const web3 = {
    findWallet: async (id: string) => (id === GAS_WALLET_ID && gasExists ? gasWallet : null),
    findWalletByAddress: async (address: string) => (address === payee.address ? payee : null),
    insertWallet: async () => {
      const appear = () => void (gasExists = true);
      if (options.insertWallet) return options.insertWallet(appear);
      appear();
    },
    lockNonce: async () => 0,
    setNextNonce: async () => undefined,
  } as unknown as Web3Repository;
  const live: Eip3009Settlement[] = [];
  const store = {
    claimAnswer: true,
    rejected: [] as { id: string; reason: string; nonceFree: boolean }[],
    finished: [] as { id: string; status: string }[],
  };
  const settlements: Eip3009SettlementRepository = {
    claim: async (_tx, s) => {
      if (store.claimAnswer) live.push(s);
      return store.claimAnswer;
    },
    findLive: async (chainId, asset, from, nonce) =>
      live.find((s) => s.chainId === chainId && s.asset === asset && s.from === from && s.authNonce === nonce) ?? null,
    finish: async (id, outcome) => (store.finished.push({ id, status: outcome.status }), true),
    reject: async (_tx, id, reason, nonceFree) => (store.rejected.push({ id, reason, nonceFree }), true),
    takeFreeGasNonce: async () => null,
    open: async () => [],
  };
  const vault = {
    sign: async () => ({ raw: '0x02f8', hash: TX_HASH, from: gasWallet.address }),
    generate: async () => gasWallet.address,
  } as unknown as KeyVault;
  const service = new Eip3009SettlementService(db, web3, settlements, vault, chains, 0, () => NOW);
  return { node, store, live, service };
}

async function authorization(overrides: Partial<TransferAuthorization> = {}, signer = buyer): Promise<AuthorizationToSettle> {
  const a: TransferAuthorization = {
    from: buyer.address,
    to: payee.address,
    value: PRICE,
    validAfter: NOW_S - 60n,
    validBefore: NOW_S + 600n,
    nonce: hexlify(randomBytes(32)),
    ...overrides,
  };
  const signature = await signer.signTypedData(
    { ...DOMAIN, chainId: CHAIN_ID, verifyingContract: TOKEN },
    TRANSFER_WITH_AUTHORIZATION_TYPES,
    a,
  );
  return {
    chainId: CHAIN_ID,
    asset: TOKEN.toLowerCase(),
    domain: DOMAIN,
    payTo: payee.address.toLowerCase(),
    payeeOwnerIds: ['usr_payee'],
    minValue: PRICE,
    authorization: a,
    signature,
  };
}

describe('Eip3009SettlementService.verify', () => {
  it('when the chain is not configured here, then unknown_chain', async () => {
    const { service } = setup();
    const request = await authorization();
    await expect(service.verify({ ...request, chainId: 1 })).resolves.toEqual({
      valid: false,
      payer: buyer.address,
      problem: 'unknown_chain',
    });
  });

  it('when the asset is not an address or not a configured token, then unknown_asset', async () => {
    const { service } = setup();
    const request = await authorization();
    await expect(service.verify({ ...request, asset: 'USDC' })).resolves.toMatchObject({ valid: false, problem: 'unknown_asset' });
    await expect(service.verify({ ...request, asset: '0x' + '22'.repeat(20) })).resolves.toMatchObject({
      valid: false,
      problem: 'unknown_asset',
    });
  });

  it('when another key signed the authorization, then invalid_signature', async () => {
    const { service } = setup();
    const request = await authorization({}, Wallet.createRandom());
    await expect(service.verify(request)).resolves.toMatchObject({ valid: false, problem: 'invalid_signature' });
  });

  it('when the authorization is valid only from a later time, then not_yet_valid', async () => {
    const { service } = setup();
    await expect(service.verify(await authorization({ validAfter: NOW_S + 1n }))).resolves.toMatchObject({
      valid: false,
      problem: 'not_yet_valid',
    });
  });

  it('when the token says the nonce was used on chain, then nonce_used', async () => {
    const { service, node } = setup();
    node.used = true;
    await expect(service.verify(await authorization())).resolves.toMatchObject({ valid: false, problem: 'nonce_used' });
  });

  it('when the payer holds less than the value, then insufficient_balance', async () => {
    const { service, node } = setup();
    node.tokenBalance = PRICE - 1n;
    await expect(service.verify(await authorization())).resolves.toMatchObject({ valid: false, problem: 'insufficient_balance' });
  });

  it('when the contract does not answer as an EIP-3009 token (or refuses the call), then unknown_asset', async () => {
    const { service, node } = setup();
    node.garbledReply = true;
    await expect(service.verify(await authorization())).resolves.toMatchObject({ valid: false, problem: 'unknown_asset' });
    node.garbledReply = false;
    node.callError = new ChainRejected(CHAIN_ID, 'CALL_EXCEPTION', 'execution reverted');
    await expect(service.verify(await authorization())).resolves.toMatchObject({ valid: false, problem: 'unknown_asset' });
  });

  it('when the node cannot be reached, then chain_unavailable is thrown, not a refusal', async () => {
    const { service, node } = setup();
    node.callError = new ChainUnreachable(CHAIN_ID, 'ECONNREFUSED', true);
    await expect(service.verify(await authorization())).rejects.toMatchObject({ code: 'chain_unavailable' });
  });

  it('when everything checks, then valid with the payer', async () => {
    const { service } = setup();
    await expect(service.verify(await authorization())).resolves.toEqual({ valid: true, payer: buyer.address });
  });
});

describe('Eip3009SettlementService.settle', () => {
  it('when the receipt says success, then settled with the hash and the value, and a second settle is refused as nonce_used', async () => {
    const { service, store } = setup();
    const request = await authorization();
    await expect(service.settle(request)).resolves.toEqual({ status: 'settled', payer: buyer.address, hash: TX_HASH, value: PRICE });
    expect(store.finished).toEqual([{ id: expect.stringMatching(/^x3s_/), status: 'settled' }]);
    await expect(service.settle(request)).resolves.toEqual({ status: 'refused', payer: buyer.address, problem: 'nonce_used' });
  });

  it('when the receipt says reverted, then failed with the hash', async () => {
    const { service, node, store } = setup();
    node.receipt = 'reverted';
    await expect(service.settle(await authorization())).resolves.toEqual({
      status: 'failed',
      payer: buyer.address,
      hash: TX_HASH,
      reason: 'reverted',
    });
    expect(store.finished.map((f) => f.status)).toEqual(['failed']);
  });

  it('when another settle claimed the authorization first, then refused as nonce_used', async () => {
    const { service, store } = setup();
    store.claimAnswer = false;
    await expect(service.settle(await authorization())).resolves.toMatchObject({ status: 'refused', problem: 'nonce_used' });
  });

  it('when the gas key cannot pay the gas, then failed with insufficient_gas and nothing on chain', async () => {
    const { service, node, live } = setup();
    node.gasBalance = 1n;
    await expect(service.settle(await authorization())).resolves.toEqual({
      status: 'failed',
      payer: buyer.address,
      hash: null,
      reason: 'insufficient_gas',
    });
    expect(live).toHaveLength(0);
  });

  it('when the gas estimate reverts and the nonce was used meanwhile on chain, then nonce_used; otherwise simulation_failed', async () => {
    const { service, node } = setup();
    node.estimateError = new ChainRejected(CHAIN_ID, 'CALL_EXCEPTION', 'execution reverted');
    const request = await authorization();
    await expect(service.settle(request)).resolves.toMatchObject({ status: 'failed', hash: null, reason: 'simulation_failed' });
    // The verify ran before the authorization was used; the estimate after.
    const used = jest.spyOn(service, 'verify').mockResolvedValueOnce({ valid: true, payer: buyer.address });
    node.used = true;
    await expect(service.settle(request)).resolves.toMatchObject({ status: 'refused', problem: 'nonce_used' });
    used.mockRestore();
  });

  it('when the gas estimate reverts because another settlement of it was recorded meanwhile, then nonce_used', async () => {
    const { service, node, live } = setup();
    const request = await authorization();
    jest.spyOn(service, 'verify').mockResolvedValueOnce({ valid: true, payer: buyer.address });
    node.estimateError = new ChainRejected(CHAIN_ID, 'CALL_EXCEPTION', 'execution reverted');
    live.push({
      chainId: CHAIN_ID,
      asset: TOKEN,
      from: buyer.address,
      authNonce: request.authorization.nonce.toLowerCase(),
    } as Eip3009Settlement);
    await expect(service.settle(request)).resolves.toMatchObject({ status: 'refused', problem: 'nonce_used' });
  });

  it('when the node is unreachable while building the transaction, then chain_unavailable is thrown', async () => {
    const { service, node } = setup();
    node.estimateError = new ChainUnreachable(CHAIN_ID, 'timeout', false);
    await expect(service.settle(await authorization())).rejects.toMatchObject({ code: 'chain_unavailable' });
  });

  it('when an API error is thrown while recording (a chain read already mapped), then it passes through unchanged', async () => {
    const { service, node } = setup();
    node.estimateError = new Unavailable('The RPC node of chain 31337 failed to answer', 'chain_error', 5);
    const error = await service.settle(await authorization()).catch((e: unknown) => e);
    expect(error).toBe(node.estimateError);
  });

  it('when the node refuses the broadcast outright, then failed (rejected or insufficient_gas) and the gas nonce is freed', async () => {
    const { service, node, store } = setup();
    node.receipt = null;
    node.broadcastError = new ChainRejected(CHAIN_ID, 'UNKNOWN_ERROR', 'bad transaction');
    await expect(service.settle(await authorization())).resolves.toEqual({
      status: 'failed',
      payer: buyer.address,
      hash: null,
      reason: 'rejected',
    });
    node.broadcastError = new ChainRejected(CHAIN_ID, 'INSUFFICIENT_FUNDS', 'insufficient funds for gas');
    await expect(service.settle(await authorization())).resolves.toMatchObject({ status: 'failed', reason: 'insufficient_gas' });
    expect(store.rejected.map((r) => r.nonceFree)).toEqual([true, true]);
  });

  it('when no receipt comes within the wait, then pending with the hash', async () => {
    const { service, node } = setup();
    node.receipt = null;
    await expect(service.settle(await authorization())).resolves.toEqual({ status: 'pending', payer: buyer.address, hash: TX_HASH });
  });
});

describe('Eip3009SettlementService.authorizationFate', () => {
  const fateOf = (service: Eip3009SettlementService, validBefore: bigint, chainId = CHAIN_ID, asset = TOKEN.toLowerCase()) =>
    service.authorizationFate(chainId, asset, buyer.address, hexlify(randomBytes(32)), validBefore);

  it('when the token used the nonce, then used, whatever the time', async () => {
    const { node, service } = setup();
    node.used = true;
    node.blockTime = NOW_S + 3600n;
    await expect(fateOf(service, NOW_S)).resolves.toBe('used');
  });

  it('when the nonce is unused and the latest block is before validBefore, then open: a later block may still use it; the nonce is read at that block', async () => {
    const { node, service } = setup();
    await expect(fateOf(service, NOW_S + 1n)).resolves.toBe('open');
    expect(node.lastCallBlock).toBe(1);
  });

  it('when the nonce is unused and the latest block is at or past validBefore, then expired: no block can use it any more', async () => {
    const { node, service } = setup();
    await expect(fateOf(service, NOW_S)).resolves.toBe('expired');
    node.blockTime = NOW_S + 600n;
    await expect(fateOf(service, NOW_S + 599n)).resolves.toBe('expired');
  });

  it('when the node does not answer, answers garbage, or the chain or token is not configured here, then null', async () => {
    const { node, service } = setup();
    await expect(fateOf(service, NOW_S, 1)).resolves.toBeNull();
    await expect(fateOf(service, NOW_S, CHAIN_ID, '0x' + '22'.repeat(20))).resolves.toBeNull();
    node.garbledReply = true;
    await expect(fateOf(service, NOW_S)).resolves.toBeNull();
    node.garbledReply = false;
    node.callError = new ChainUnreachable(CHAIN_ID, 'timeout', false);
    await expect(fateOf(service, NOW_S)).resolves.toBeNull();
  });
});

describe('Eip3009SettlementService gas key', () => {
  it('when no gas key exists, then one is made and its address returned', async () => {
    const { service } = setup({ gasWalletExists: false });
    await expect(service.gasAddress()).resolves.toBe(gasWallet.address);
  });

  it('when a concurrent first use inserted the gas key, then that one is read; when none did, the error is thrown', async () => {
    const raced = setup({
      gasWalletExists: false,
      insertWallet: async (appear) => {
        appear();
        throw new Error('duplicate key value violates unique constraint');
      },
    });
    await expect(raced.service.gasAddress()).resolves.toBe(gasWallet.address);
    const broken = setup({
      gasWalletExists: false,
      insertWallet: async () => {
        throw new Error('connection terminated');
      },
    });
    await expect(broken.service.gasAddress()).rejects.toThrow('connection terminated');
  });
});
