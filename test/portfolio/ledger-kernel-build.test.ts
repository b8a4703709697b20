/**
 * The committed WebAssembly modules are what their text sources assemble to: nobody can change
 * a .wat file without `npm run build:wasm`, or hand-edit the bytes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, moduleText, WASM_SOURCES } from '../../scripts/build-wasm.ts';

describe('WebAssembly modules', () => {
  for (const source of WASM_SOURCES) {
    it(`${source.module} holds the bytes ${source.wat} assembles to`, async () => {
      const bytes = await assemble(source.wat);
      expect(bytes.length).toBeGreaterThan(8);
      expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]); // "\0asm"
      expect(readFileSync(new URL(`../../${source.module}`, import.meta.url), 'utf8')).toBe(moduleText(source, bytes));
    });
  }
});
