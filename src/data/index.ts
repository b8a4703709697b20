/** Public surface of the data layer (bar loading, validation, synthetic data, resampling). */
export type { BarSeries } from './bar-series.ts';
export { loadBars, writeBarsParquet, type LoadBarsOptions, type LoadBarsResult } from './load-bars.ts';
export { parseCsvBars, readCsvBars, type CsvBarOptions, type ParsedBars } from './csv-bars.ts';
export { readParquetBars, type ParquetBarOptions } from './parquet-bars.ts';
export {
  BarDataError,
  BarRowSchema,
  BarRowValidator,
  type BarRow,
  type InvalidRowPolicy,
  type SkippedRow,
} from './validation.ts';
export { hashBars } from './content-hash.ts';
export { createBarSeries, allocateBarColumns, truncateBarColumns, type BarColumns } from './series.ts';
export {
  localToUtc,
  utcOffsetMs,
  zoneConverter,
  ZoneConverter,
  NonexistentLocalTimeError,
  type GapPolicy,
} from './timezone.ts';
export { parseStamp } from './stamp.ts';
export {
  generateSyntheticBars,
  DEFAULT_REGIMES,
  REGIME_NAMES,
  type RegimeName,
  type RegimeConfig,
  type SyntheticBarsOptions,
  type SyntheticBarSeries,
} from './synthetic.ts';
export { mulberry32, type Prng } from './prng.ts';
export { resampleBars, type ResampleOptions } from './resample.ts';
