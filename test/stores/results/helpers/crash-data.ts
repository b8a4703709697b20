/** The records the crash child writes, each a function of its sequence number only, so a reader can check every one. */
import { event, MIN, T0, trade } from './records.ts';

export const RUN_ID = 'crash-run';

export const perfRow = (seq: number) => ({ portfolioId: `p${seq % 2}`, equity: seq * 1.5, cash: -seq });
export const perfTs = (seq: number) => T0 + seq * MIN;
export const tradeRow = (seq: number) => trade(seq);
export const eventRow = (seq: number) => event(seq);
