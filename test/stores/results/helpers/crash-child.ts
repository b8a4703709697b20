/**
 * The process the crash test kills: it opens a ResultsStore on argv[2] (recovering whatever
 * a killed predecessor left), continues the run from where the files end, and writes records
 * as fast as it can in synchronous bursts with short pauses (so journal appends, spills,
 * part writes, manifests and compaction are all in progress at one time or another). After
 * every acknowledgement it appends `<kind> <records acknowledged so far>` to argv[3] and
 * fsyncs, so the parent knows what was acknowledged before the kill.
 *
 * argv: root ackLog seed fsync(batch|none) policy(spill|error) records formats(comma separated)
 */
import * as fs from 'node:fs';
import { mulberry32 } from '../../../../src/data/prng.ts';
import { ResultsStore, QueueFullError } from '../../../../src/stores/results/index.ts';
import { eventRow, perfRow, perfTs, RUN_ID, tradeRow } from './crash-data.ts';

const [root, ackLog, seedText, fsync, policy, recordsText, formats] = process.argv.slice(2);
const prng = mulberry32(Number(seedText));
const random = () => prng.next();

const ackFd = fs.openSync(ackLog, 'a');
const store = await ResultsStore.open({
  root,
  formats: formats.split(','),
  batch_size: 8 + Math.floor(random() * 120),
  segment_records: 100 + Math.floor(random() * 400),
  flush_interval_ms: 1,
  materialize_interval_ms: Math.floor(random() * 10),
  queue: { capacity: 64 + Math.floor(random() * 2000), policy: policy as 'spill' | 'error', overflow: 4096 },
  journal: { fsync: fsync as 'batch' | 'none' },
}, {
  onAck: (ack) => {
    let line = '';
    for (const kind of ['performance', 'trades', 'events', 'summary'] as const) if (ack.counts[kind] > 0) line += `${kind} ${ack.through[kind]}\n`;
    fs.writeSync(ackFd, line);
    fs.fsyncSync(ackFd);
  },
});

try {
  store.openRun(RUN_ID, { mode: 'backtest' });
} catch (error) {
  // A predecessor was killed after its final results were acknowledged: nothing left to do.
  if (!/is complete on disk/.test((error as Error).message)) throw error;
  process.stdout.write('ready complete\ndone\n');
  process.exit(0);
}
const start = store.acknowledgedCounts(RUN_ID)!;
let perf = start.performance;
let trades = start.trades;
let events = start.events;
process.stdout.write(`ready ${perf}\n`);

const total = Number(recordsText);
const row = { portfolioId: '', equity: 0, cash: 0 };
const results = { runId: RUN_ID, portfolios: [row], trades: undefined as ReturnType<typeof tradeRow>[] | undefined, events: undefined as ReturnType<typeof eventRow>[] | undefined };
while (perf < total) {
  const burst = 1 + Math.floor(random() * 600);
  for (let b = 0; b < burst && perf < total; b++) {
    Object.assign(row, perfRow(perf));
    results.trades = perf % 3 === 0 ? [tradeRow(trades)] : undefined;
    results.events = perf % 5 === 0 ? [eventRow(events)] : undefined;
    try {
      store.storeTimestepResults(perfTs(perf), results);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      break; // refused: not acknowledged; try the same records again after a pause
    }
    perf++;
    if (results.trades) trades++;
    if (results.events) events++;
  }
  const pause = random();
  if (pause < 0.1) await store.flush();
  else await new Promise((resolve) => setTimeout(resolve, Math.floor(pause * 4)));
}
await store.storeBacktestResults(RUN_ID, { summary: { records: perf } });
await store.close();
process.stdout.write('done\n');
