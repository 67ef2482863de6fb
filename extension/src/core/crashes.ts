// How often a crashed language server is restarted before giving up. No `vscode` import.

export class CrashBudget {
  private crashes: number[] = [];

  constructor(private readonly limit = 3, private readonly windowMs = 3 * 60_000) {}

  /** Record a crash at `now`; true when another automatic restart is still allowed. */
  allowRestart(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.limit;
  }

  reset(): void {
    this.crashes = [];
  }
}
