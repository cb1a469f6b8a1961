import { groupedLookup } from '../../src/shared/grouper';

describe('grouped lookups', () => {
  it('when lookups are asked while one is being served, then they are served together, each with its own answer', async () => {
    const groups: number[][] = [];
    const lookup = groupedLookup(
      async (keys: number[]) => {
        groups.push(keys);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return keys.map((key) => key * 10);
      },
      { lanes: 1, groupMax: 3 },
    );

    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((key) => lookup(key)));

    expect(answers).toEqual([10, 20, 30, 40, 50, 60]);
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('when a group fails, then every lookup of that group fails with its error and later ones are served', async () => {
    const failure = new Error('store down');
    let calls = 0;
    const lookup = groupedLookup(
      async (keys: string[]) => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (calls === 2) throw failure;
        return keys.map((key) => key.toUpperCase());
      },
      { lanes: 1, groupMax: 10 },
    );

    const results = await Promise.allSettled(['a', 'b', 'c'].map((key) => lookup(key)));

    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    await expect(lookup('d')).resolves.toBe('D');
  });
});
