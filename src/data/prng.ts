/**
 * Small seeded pseudo-random generators for deterministic synthetic data.
 * `mulberry32` (Tommy Ettinger's 32-bit generator): one uint32 of state, period 2^32, plenty
 * for test data, and bit-for-bit reproducible on every JavaScript engine (only 32-bit integer
 * ops and `Math.imul`).
 */

export interface Prng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Standard normal N(0, 1) (Box-Muller, one value per call, the pair's twin is cached). */
  normal(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
}

/** mulberry32 seeded with `seed` (any number; reduced to uint32). */
export function mulberry32(seed: number): Prng {
  if (!Number.isFinite(seed)) throw new Error(`prng seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  let spare = Number.NaN;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      if (!Number.isNaN(spare)) {
        const v = spare;
        spare = Number.NaN;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
  };
}
