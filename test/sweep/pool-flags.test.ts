import { describe, expect, it } from 'vitest';
import { withoutTsxLoader } from '../../src/sweep/pool.ts';

describe('withoutTsxLoader: the flags a bundled worker thread keeps', () => {
  it('drops every spelling of a tsx loader and keeps the other flags in order', () => {
    expect(withoutTsxLoader(['--import', 'tsx', '--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096']);
    expect(withoutTsxLoader(['--import=tsx', '--cpu-prof'])).toEqual(['--cpu-prof']);
    expect(withoutTsxLoader(['--loader', 'tsx/esm', '--require', 'tsx/cjs', '-r', 'tsx/cjs', '--experimental-loader=tsx'])).toEqual([]);
    expect(withoutTsxLoader(['--enable-source-maps', '--import', 'tsx', '--inspect'])).toEqual(['--enable-source-maps', '--inspect']);
  });

  it('keeps other preloads, including names that only start like tsx', () => {
    const flags = ['--import', './setup.mjs', '--require', '/x/suppress-warnings.cjs', '--import', 'tsxlike', '--experimental-import-meta-resolve'];
    expect(withoutTsxLoader(flags)).toEqual(flags);
  });
});
