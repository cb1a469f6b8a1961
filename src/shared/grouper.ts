/**
 * Serves calls in groups: at most `lanes` groups are served at a time, and the calls that arrive
 * while every lane is busy wait and are served together in the next group. A call that finds a
 * lane idle is served at once, alone, so grouping costs a lone caller nothing; under load one
 * database round trip (or transaction) serves many callers instead of one each.
 */
export class Grouper<T> {
  private readonly waiting: T[] = [];
  private busyLanes = 0;

  constructor(
    private readonly lanes: number,
    /** Takes the next group out of the calls waiting (non-empty), in arrival order. */
    private readonly take: (waiting: T[]) => T[],
    /** Serves a group; must settle every call of it and never reject. */
    private readonly serve: (group: T[]) => Promise<void>,
  ) {}

  /** Calls waiting for a lane (not those being served): a gauge, flat under steady load. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  add(call: T): void {
    this.waiting.push(call);
    if (this.busyLanes < this.lanes) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busyLanes++;
    try {
      while (this.waiting.length > 0) await this.serve(this.take(this.waiting));
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
  { lanes, groupMax }: { lanes: number; groupMax: number },
): (key: K) => Promise<V> {
  interface Call {
    key: K;
    resolve: (value: V) => void;
    reject: (error: unknown) => void;
  }
  const grouper = new Grouper<Call>(
    lanes,
    (waiting) => waiting.splice(0, groupMax),
    async (group) => {
      try {
        const values = await lookupMany(group.map((call) => call.key));
        group.forEach((call, i) => call.resolve(values[i]!));
      } catch (error) {
        for (const call of group) call.reject(error);
      }
    },
  );
  return (key) => new Promise<V>((resolve, reject) => grouper.add({ key, resolve, reject }));
}
