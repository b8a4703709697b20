/**
 * A second process for the store tests (`node --import tsx child.ts <mode> ...`):
 *   hold <db file> <ms>           open the DuckDB file read-write, print "held", keep it for <ms>, close, print "released"
 *   store <root> <n> <seed>       store n backtests one call each, print each id as "acked <id>"
 *   batches <root> <size> <seed>  store batches of <size> until killed, print "acked <id>" for every id of an acknowledged batch
 *   read <root>                   print the stored ids (getAll) as JSON
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { BacktestStore } from '../../../src/stores/backtests/index.ts';
import { makeBacktest } from './helpers.ts';

const [mode, a, b, c] = process.argv.slice(2);
const out = (line: string) => process.stdout.write(line + '\n');

if (mode === 'hold') {
  const db = await DuckDBInstance.create(a, { access_mode: 'READ_WRITE' });
  out('held');
  await new Promise((r) => setTimeout(r, Number(b)));
  db.closeSync();
  out('released');
} else if (mode === 'store') {
  const store = await BacktestStore.open({ root: a, lockTimeoutMs: 30_000 });
  for (let i = 0; i < Number(b); i++) out(`acked ${(await store.store(makeBacktest({ seed: Number(c) + i, params: { child: Number(c) + i } }))).id}`);
  await store.close();
} else if (mode === 'batches') {
  const store = await BacktestStore.open({ root: a, lockTimeoutMs: 30_000 });
  for (let k = 0; ; k++) {
    const batch = Array.from({ length: Number(b) }, (_, i) => makeBacktest({ seed: Number(c) + k * 1000 + i, points: 300, trades: 5 }));
    const stored = await store.storeMany(batch);
    out(stored.map((s) => `acked ${s.id}`).join('\n'));
  }
} else if (mode === 'read') {
  const store = await BacktestStore.open({ root: a, lockTimeoutMs: 30_000 });
  out(JSON.stringify((await store.getAll()).map((s) => s.id)));
  await store.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
