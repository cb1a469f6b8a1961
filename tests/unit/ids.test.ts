import { newId, randomIdBytes } from '../../src/infra/crypto/ids';

describe('ids', () => {
  it('when many ids are made, across several refills of the random pool, then all differ and carry their prefix', () => {
    const ids = Array.from({ length: 5_000 }, () => newId('trf'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^trf_[A-Za-z0-9_-]{16}$/);
  });

  it('when chunks straddle the end of the pool, then each is whole and a chunk handed out is never changed later', () => {
    const first = randomIdBytes(4000);
    const copy = Buffer.from(first);
    const straddling = randomIdBytes(200);
    expect(straddling).toHaveLength(200);
    for (let i = 0; i < 100; i++) randomIdBytes(100);
    expect(first.equals(copy)).toBe(true);
    expect(straddling.equals(first.subarray(0, 200))).toBe(false);
  });
});
