/** Commander argument parsers shared by the CLIs: each rejects a bad value with a message saying what is expected. */
import { InvalidArgumentError } from 'commander';
import { isTimeframe } from '../core/timeframe.ts';
import { zoneConverter } from '../data/timezone.ts';

export function timeframeArg(v: string): string {
  if (!isTimeframe(v)) throw new InvalidArgumentError('expected <n>m, <n>h or <n>d, e.g. 1m, 5m, 1h, 1d.');
  return v;
}

export function zoneArg(v: string): string {
  try {
    zoneConverter(v);
  } catch {
    throw new InvalidArgumentError('unknown time zone: expected an IANA name such as America/New_York or UTC.');
  }
  return v;
}
