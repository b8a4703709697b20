/**
 * A benchmark suite: a file in bench/suites/ exporting `suite`. `npm run bench` runs every
 * suite (or those named on the command line), each case in its own Node process, prints its
 * lines and saves all figures as JSON under results/bench/.
 */
export interface BenchSuite {
  readonly name: string;
  /** Case names; each runs in a fresh process via `runCase`. */
  readonly cases: () => string[];
  /** Runs one case and returns its figure (any JSON) and a one-line summary for the console. */
  readonly runCase: (name: string) => Promise<{ figure: unknown; line: string }>;
  /** When it returns a reason, the suite is skipped with that message. */
  readonly skip?: () => string | null;
}
