import { AsyncLocalStorage } from 'node:async_hooks';
import { groupedLookup, Grouper, type GroupScope, type Lanes } from '../../src/shared/grouper';

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

  it("when calls of two scopes (tenants) wait together, then each group holds one scope's calls only, is served inside that scope, and the scopes take turns", async () => {
    const tenant = new AsyncLocalStorage<string>();
    const scope: GroupScope = { current: () => tenant.getStore(), run: (t, fn) => tenant.run(t as string, fn) };
    const served: { tenant: string | undefined; keys: string[] }[] = [];
    const lookup = groupedLookup(
      async (keys: string[]) => {
        served.push({ tenant: tenant.getStore(), keys });
        await new Promise((resolve) => setTimeout(resolve, 5));
        return keys.map((key) => `${tenant.getStore()}:${key}`);
      },
      { lanes: 1, groupMax: 10, scope },
    );

    const asked = [
      tenant.run('a', () => lookup('1')),
      tenant.run('a', () => lookup('2')),
      tenant.run('b', () => lookup('3')),
      tenant.run('a', () => lookup('4')),
      tenant.run('b', () => lookup('5')),
    ];

    expect(await Promise.all(asked)).toEqual(['a:1', 'a:2', 'b:3', 'a:4', 'b:5']);
    expect(served).toEqual([
      { tenant: 'a', keys: ['1'] },
      { tenant: 'a', keys: ['2', '4'] },
      { tenant: 'b', keys: ['3', '5'] },
    ]);
  });
  describe('a spare lane', () => {
    /**
     * The groups a two-lane grouper serves when calls 1 to 5 arrive at once and call 6 12 ms later;
     * a group with call 2 in it takes 20 ms, any other 5 ms.
     */
    async function groupsServed(lanes: Lanes): Promise<number[][]> {
      const served: number[][] = [];
      let settle: () => void = () => undefined;
      const allServed = new Promise<void>((resolve) => (settle = resolve));
      const grouper = new Grouper<number>(
        lanes,
        (waiting) => waiting.splice(0, 10),
        async (group) => {
          served.push(group);
          await new Promise((resolve) => setTimeout(resolve, group.includes(2) ? 20 : 5));
          if (served.flat().length === 6) settle();
        },
      );
      for (const call of [1, 2, 3, 4, 5]) grouper.add(call);
      setTimeout(() => grouper.add(6), 12);
      await allServed;
      return served;
    }

    it('when fewer calls wait than spareLaneAt beside a busy lane, then they wait for it and go as one group; once that many wait, the spare lane takes them', async () => {
      expect(await groupsServed({ lanes: 2, spareLaneAt: 3 })).toEqual([[1], [2, 3, 4], [5, 6]]);
      expect(await groupsServed({ lanes: 2, spareLaneAt: 10 })).toEqual([[1], [2, 3, 4, 5], [6]]);
    });

    it('when a call that goes alone heads the queue beside a busy lane, then the spare lane serves it at once instead of after the busy one', async () => {
      // Calls below 0 go alone; call 1 takes 20 ms, any other group 5 ms.
      const started: Array<{ group: number[]; besideAnother: boolean }> = [];
      let busy = 0;
      const grouper = new Grouper<number>(
        { lanes: 2, spareLaneAt: 10, alone: (call) => call < 0 },
        (waiting) => waiting.splice(0, 1),
        async (group) => {
          started.push({ group, besideAnother: busy > 0 });
          busy++;
          await new Promise((resolve) => setTimeout(resolve, group.includes(1) ? 20 : 5));
          busy--;
        },
      );
      for (const call of [1, -2, 3]) grouper.add(call);
      await new Promise((resolve) => setTimeout(resolve, 40));

      expect(started).toEqual([
        { group: [1], besideAnother: false },
        { group: [-2], besideAnother: true },
        { group: [3], besideAnother: false },
      ]);
    });

    it('when spareLaneAt is not set, then a call that finds a lane free is served at once', async () => {
      expect(await groupsServed({ lanes: 2 })).toEqual([[1], [2], [3, 4, 5], [6]]);
    });
  });
});
