/**
 * Determinism: the same topology run twice gives byte-identical result files; the manifests
 * differ only in the run id and the wall-clock fields (start/finish times, loop timing).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR, describeRun, runCli, type CliResult } from '../cli/run-cli.ts';

const GOOG_CSV = join(SHARED_DATA_DIR, 'GOOG_1d.csv');
const hasGoog = existsSync(GOOG_CSV);
if (!hasGoog) console.warn(`[determinism] ${GOOG_CSV} not found: skipping the goog_daily.yaml determinism check (real market data is not in the repo)`);

const TOPOLOGIES = ['topologies/backtest.yaml', ...(hasGoog ? ['topologies/goog_daily.yaml'] : [])];
const IDENTICAL_FILES = ['trades.csv', 'equity.csv', 'trades.parquet', 'equity.parquet', 'metrics.json'];

/** Fields of the manifest that legitimately change from run to run (ids and wall-clock times). */
function stripRunFields(manifest: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _runId, started_at: _started, finished_at: _finished, stats, ...rest } = manifest;
  const { loopMs: _loopMs, barsPerSecond: _bps, ...steadyStats } = stats as Record<string, unknown>;
  return { ...rest, stats: steadyStats };
}

describe('two runs of the same topology are byte-identical', () => {
  let dir: string;
  const runs = new Map<string, { a: CliResult; b: CliResult; outA: string; outB: string }>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tradeflow-e2e-determinism-'));
    await Promise.all(
      TOPOLOGIES.map(async (topology, i) => {
        const outA = join(dir, `${i}-a`);
        const outB = join(dir, `${i}-b`);
        const [a, b] = await Promise.all([runCli([topology, '--json', '--out', outA]), runCli([topology, '--json', '--out', outB])]);
        runs.set(topology, { a, b, outA, outB });
      }),
    );
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const topology of TOPOLOGIES) {
    it(`${topology}: result files are byte-identical, manifests equal up to run id and times`, () => {
      const { a, b, outA, outB } = runs.get(topology)!;
      expect(a.code, describeRun(a)).toBe(0);
      expect(b.code, describeRun(b)).toBe(0);
      for (const file of IDENTICAL_FILES) {
        const bytesA = readFileSync(join(outA, file));
        const bytesB = readFileSync(join(outB, file));
        expect(bytesA.length, file).toBeGreaterThan(0);
        expect(bytesA.equals(bytesB), `${file} differs between two runs`).toBe(true);
      }
      const manifestA = JSON.parse(readFileSync(join(outA, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      const manifestB = JSON.parse(readFileSync(join(outB, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      expect(stripRunFields(manifestA)).toEqual(stripRunFields(manifestB));
      // the stripped fields are really there (the comparison above is not vacuous)
      for (const key of ['run_id', 'started_at', 'finished_at', 'config_hash', 'datasets']) expect(manifestA, key).toHaveProperty(key);
      expect(manifestA.config_hash).toBe(manifestB.config_hash);
      // the JSON stdout metrics agree too
      expect(JSON.parse(a.stdout).metrics).toEqual(JSON.parse(b.stdout).metrics);
    });
  }
});
