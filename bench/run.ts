/**
 * `npm run bench [-- suite ...]`: runs the suites in bench/suites/ (all, or those named),
 * each case in its own Node process so that its peak memory is its own, prints one line per
 * case and saves everything as JSON under results/bench/ (a dated file and latest.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from './suite.ts';

const SUITES_DIR = fileURLToPath(new URL('./suites/', import.meta.url));

async function loadSuite(file: string): Promise<BenchSuite> {
  const module = (await import(pathToFileURL(join(SUITES_DIR, file)).href)) as { suite?: BenchSuite };
  if (!module.suite) throw new Error(`bench/suites/${file} exports no suite`);
  return module.suite;
}

async function suiteFiles(): Promise<string[]> {
  const files = readdirSync(SUITES_DIR).filter((f) => f.endsWith('.ts')).sort();
  const withSuite: string[] = [];
  for (const f of files) if ('suite' in (await import(pathToFileURL(join(SUITES_DIR, f)).href))) withSuite.push(f);
  return withSuite;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--case') {
    const [, file, name] = args;
    const result = await (await loadSuite(file)).runCase(name);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const report: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
  for (const file of await suiteFiles()) {
    const suite = await loadSuite(file);
    if (args.length > 0 && !args.includes(suite.name)) continue;
    const skip = suite.skip?.();
    if (skip) {
      console.log(`[${suite.name}] skipped: ${skip}`);
      report[suite.name] = { skipped: skip };
      continue;
    }
    const figures: unknown[] = [];
    for (const name of suite.cases()) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--case', file, name], { encoding: 'utf8', env: process.env, maxBuffer: 64 * 2 ** 20 });
      if (child.status !== 0) throw new Error(`bench ${suite.name}/${name} failed:\n${child.stderr}`);
      const { figure, line } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { figure: unknown; line: string };
      figures.push(figure);
      console.log(`[${suite.name}] ${line}`);
    }
    report[suite.name] = figures;
  }
  const dir = fileURLToPath(new URL('../results/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${String(report.date).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`saved ${file}`);
}

await main();
