/**
 * Per-endpoint lanes of one worker process: how many deliveries each endpoint has in flight
 * here. The claim query reads the counts (a full lane is not claimed from), so a hanging endpoint
 * holds at most its own lane while every other endpoint's deliveries keep going out.
 */
export class EndpointLanes {
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<unknown>>();
  private total = 0;

  constructor(private readonly onChange: (total: number) => void = () => {}) {}

  get inFlightTotal(): number {
    return this.total;
  }

  /** The counts the claim query takes: only endpoints with something in flight. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.inFlight);
  }

  /**
   * Counts the delivery in its endpoint's lane at once (before the next claim can read the
   * counts), runs it, and frees the slot when it settles.
   */
  run<T>(endpointId: string, send: () => Promise<T>): Promise<T> {
    this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
    this.total += 1;
    this.onChange(this.total);
    const running = send().finally(() => {
      const left = (this.inFlight.get(endpointId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(endpointId, left);
      else this.inFlight.delete(endpointId);
      this.total -= 1;
      this.onChange(this.total);
      this.running.delete(running);
    });
    this.running.add(running);
    return running;
  }

  /** Resolves once everything in flight now has settled (shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
