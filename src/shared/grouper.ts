/**
 * Where a call runs: the calls of a group are served together in one scope (one tenant's database
 * view, docs/tenants.md), so a group only ever holds calls made in the same one, and is served
 * inside it.
 */
export interface GroupScope {
  /** The scope of the call being added (compared with ===). */
  current(): unknown;
  run<R>(scope: unknown, fn: () => R): R;
}

/** How many groups are served at a time. */
export interface Lanes<T = unknown> {
  /** At most this many. */
  lanes: number;
  /**
   * A lane beyond the first opens only while this many calls wait (default 1: whenever one does).
   * Set to a full group's size, a second lane opens only when one lane serving full groups falls
   * behind: before that it would only split the groups in two, and each statement, socket write and
   * wake-up (and, for postings on shared wallets, each wait on the other lane's row locks) would be
   * paid twice as often for the same calls.
   */
  spareLaneAt?: number;
  /**
   * A call that is served alone whatever waits beside it (a guarded posting): waiting would not
   * group it, so at the head of the queue it opens a spare lane at once.
   */
  alone?: (call: T) => boolean;
}

/**
 * Serves calls in groups: at most `lanes` groups are served at a time, and the calls that arrive
 * while the lanes are busy wait and are served together in the next group. A call that finds no
 * lane busy is served at once, alone, so grouping costs a lone caller nothing; under load one
 * database round trip (or transaction) serves many callers instead of one each. With a scope,
 * calls wait per scope and the scopes take turns.
 */
export class Grouper<T> {
  /** Per scope, in the order the scopes next take a turn; each queue in arrival order. */
  private readonly waiting = new Map<unknown, T[]>();
  private waitingCalls = 0;
  private busyLanes = 0;
  private readonly lanes: number;
  private readonly spareLaneAt: number;
  private readonly alone: (call: T) => boolean;

  constructor(
    { lanes, spareLaneAt = 1, alone = () => false }: Lanes<T>,
    /** Takes the next group out of the calls waiting (non-empty), in arrival order. */
    private readonly take: (waiting: T[]) => T[],
    /** Serves a group; must settle every call of it and never reject. */
    private readonly serve: (group: T[]) => Promise<void>,
    private readonly scope?: GroupScope,
  ) {
    this.lanes = lanes;
    this.spareLaneAt = spareLaneAt;
    this.alone = alone;
  }

  /** Calls waiting for a lane (not those being served): a gauge, flat under steady load. */
  get waitingCount(): number {
    return this.waitingCalls;
  }

  add(call: T): void {
    const scope = this.scope?.current();
    const queue = this.waiting.get(scope);
    if (queue) queue.push(call);
    else this.waiting.set(scope, [call]);
    this.waitingCalls++;
    if (this.busyLanes < this.lanes && this.worthALane(this.busyLanes)) void this.drain();
  }

  /**
   * Whether the calls waiting are worth a lane with `others` lanes busy beside it: with none, whatever
   * waits; beside another, a spare lane's worth, or a call at the head that goes alone.
   */
  private worthALane(others: number): boolean {
    if (this.waitingCalls === 0) return false;
    return others === 0 || this.waitingCalls >= this.spareLaneAt || this.alone(this.waiting.values().next().value![0]!);
  }

  private async drain(): Promise<void> {
    this.busyLanes++;
    try {
      while (this.worthALane(this.busyLanes - 1)) {
        const [scope, queue] = this.waiting.entries().next().value!;
        const group = this.take(queue);
        this.waitingCalls -= group.length;
        // Its turn is over: what is left of it waits behind the other scopes.
        this.waiting.delete(scope);
        if (queue.length > 0) this.waiting.set(scope, queue);
        await (this.scope ? this.scope.run(scope, () => this.serve(group)) : this.serve(group));
      }
    } finally {
      this.busyLanes--;
    }
  }
}

/**
 * A lookup of one key that goes to the store with the other keys asked at the same time:
 * `lookupMany` answers a list of keys with one value per key, in the same order.
 */
export function groupedLookup<K, V>(
  lookupMany: (keys: K[]) => Promise<V[]>,
  { lanes, spareLaneAt, groupMax, scope }: Omit<Lanes, 'alone'> & { groupMax: number; scope?: GroupScope },
): (key: K) => Promise<V> {
  interface Call {
    key: K;
    resolve: (value: V) => void;
    reject: (error: unknown) => void;
  }
  const grouper = new Grouper<Call>(
    { lanes, spareLaneAt },
    (waiting) => waiting.splice(0, groupMax),
    async (group) => {
      try {
        const values = await lookupMany(group.map((call) => call.key));
        group.forEach((call, i) => call.resolve(values[i]!));
      } catch (error) {
        for (const call of group) call.reject(error);
      }
    },
    scope,
  );
  return (key) => new Promise<V>((resolve, reject) => grouper.add({ key, resolve, reject }));
}
