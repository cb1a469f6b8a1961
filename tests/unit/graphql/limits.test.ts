import { describe, expect, it } from '@jest/globals';
import { parse, specifiedRules, validate } from 'graphql';
import { buildGraphqlSchema } from '../../../src/protocols/graphql';
import { documentLimitsRule } from '../../../src/protocols/graphql/limits';

const schema = buildGraphqlSchema();

function codes(query: string, limits = { maxDepth: 6, maxComplexity: 500 }): string[] {
  return validate(schema, parse(query), [...specifiedRules, documentLimitsRule(limits)]).map((e) => String(e.extensions.code ?? 'spec'));
}

describe('GraphQL document limits (depth and complexity)', () => {
  it('when a document is within both limits, then it passes', () => {
    expect(codes('{ wallets(first: 5) { edges { node { transactions(first: 5) { edges { node { id } } } } } } }')).toEqual([]);
  });

  it('when a document is nested deeper than maxDepth, then it is graphql_too_complex', () => {
    const deep = '{ wallets { edges { node { transactions { edges { node { id } } } } } } }'; // 6 selection sets
    expect(codes(deep, { maxDepth: 6, maxComplexity: 100_000 })).toEqual([]);
    expect(codes(deep, { maxDepth: 5, maxComplexity: 100_000 })).toEqual(['graphql_too_complex']);
  });

  it('when fragments hide the depth, then it is counted through them', () => {
    const query = `{ wallets { ...W } } fragment W on WalletConnection { edges { node { transactions { ...T } } } }
      fragment T on TransactionConnection { edges { node { id } } }`;
    expect(codes(query, { maxDepth: 5, maxComplexity: 100_000 })).toEqual(['graphql_too_complex']);
  });

  it('when a list multiplies its children, then `first` (literal, variable = 100, absent = 20) counts', () => {
    const nested = (first: string) =>
      `query${first.includes('$n') ? '($n: Int)' : ''} { wallets${first} { edges { node { id balance } } } }`;
    // wallets 1 + first × (edges 1 + node 1 + id 1 + balance 1)
    expect(codes(nested('(first: 10)'), { maxDepth: 10, maxComplexity: 41 })).toEqual([]);
    expect(codes(nested('(first: 10)'), { maxDepth: 10, maxComplexity: 40 })).toEqual(['graphql_too_complex']);
    expect(codes(nested('(first: $n)'), { maxDepth: 10, maxComplexity: 400 })).toEqual(['graphql_too_complex']);
    expect(codes(nested(''), { maxDepth: 10, maxComplexity: 81 })).toEqual([]);
    expect(codes(nested(''), { maxDepth: 10, maxComplexity: 80 })).toEqual(['graphql_too_complex']);
  });

  it('when a document asks for more than one mutation (aliases, fragments), then it is graphql_too_complex: one per request', () => {
    const transfer = (alias: string) => `${alias}: transfer(input: $i, idempotencyKey: "${alias}") { __typename }`;
    const header = 'mutation($i: TransferInput!, $w: UpdateWalletInput!)';
    const update = 'updateWallet(id: "wal_1", input: $w) { id }';
    expect(codes(`mutation($i: TransferInput!) { ${transfer('a')} __typename }`)).toEqual([]);
    expect(codes(`mutation($i: TransferInput!) { ${transfer('a')} ${transfer('b')} }`)).toEqual(['graphql_too_complex']);
    expect(codes(`${header} { ${transfer('a')} ...M } fragment M on Mutation { ${update} }`)).toEqual(['graphql_too_complex']);
    expect(codes(`${header} { ... on Mutation { ${transfer('a')} } ${update} }`)).toEqual(['graphql_too_complex']);
  });

  it('when aliases repeat a costly field, then each alias counts', () => {
    const one = 'w0: wallets(first: 100) { edges { cursor } }';
    const many = `{ ${Array.from({ length: 10 }, (_, i) => one.replace('w0', `w${i}`)).join(' ')} }`;
    expect(codes(`{ ${one} }`, { maxDepth: 10, maxComplexity: 300 })).toEqual([]);
    expect(codes(many, { maxDepth: 10, maxComplexity: 300 })).toEqual(['graphql_too_complex']);
  });

  it('when each fragment spreads the next twice down to a cycle (nothing to count), then each is measured once, not 2^levels times', () => {
    // 22 levels: 2^22 walks of the innermost fragment took over 15 s of one CPU, and each level more doubled it.
    const levels = 22;
    const chain = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const query = `{ ...F0 } ${chain} fragment F${levels} on Query { ...F0 }`;
    const started = Date.now();
    expect(codes(query)).toEqual(['spec']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when fragments spread each other in a cycle, then the spec rule reports it and the limit rule does not loop', () => {
    const query = '{ wallets { ...A } } fragment A on WalletConnection { ...B } fragment B on WalletConnection { ...A }';
    expect(codes(query)).toContain('spec');
  });
});
