// ---------------------------------------------------------------------------------------------
// Snappy: a port of hyparquet-writer's compressor (itself snappyjs), so the bytes are the same.
//
// snappyjs: The MIT License (MIT), Copyright (c) 2016 Zhipeng Jia, https://github.com/zhipeng-jia/snappyjs

import type { Output } from './output.ts';

const SNAPPY_MAX_HASH_TABLE_BITS = 14;
const SNAPPY_MAX_OFFSET = 0xffff;
const SNAPPY_INPUT_MARGIN = 15;
const snappyTables: Uint32Array[] = [];

function snappyHash(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

function load32(a: Uint8Array, p: number): number {
  return a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24);
}

function equals32(a: Uint8Array, p: number, q: number): boolean {
  return a[p] === a[q] && a[p + 1] === a[q + 1] && a[p + 2] === a[q + 2] && a[p + 3] === a[q + 3];
}

/** Snappy-compress `input` into `out` (uncompressed length first, as a varint). */
export function snappyCompress(input: Uint8Array, out: Output): void {
  const n = input.length;
  out.varint(n);
  out.ensure(32 + n + Math.floor(n / 6)); // the format's worst case
  const dst = out.buf;
  let op = out.pos;
  let bits = 1;
  while (1 << bits <= n && bits <= SNAPPY_MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (snappyTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);
  let ip = 0;
  let nextEmit = 0;
  if (n >= SNAPPY_INPUT_MARGIN) {
    const ipLimit = n - SNAPPY_INPUT_MARGIN;
    // (load32 past the input's end would only feed a hash that is never used: 0 instead)
    const lastLoad = n - 4;
    ip++;
    let nextHash = snappyHash(load32(input, ip), shift);
    search: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      for (;;) {
        ip = nextIp;
        const hash = nextHash;
        const step = skip >>> 5;
        skip++;
        nextIp = ip + step;
        if (ip > ipLimit) break search;
        nextHash = nextIp <= lastLoad ? snappyHash(load32(input, nextIp), shift) : 0;
        candidate = table[hash];
        table[hash] = ip;
        if (ip - candidate <= SNAPPY_MAX_OFFSET && equals32(input, ip, candidate)) break;
      }
      op = emitLiteral(dst, op, input, nextEmit, ip - nextEmit);
      for (;;) {
        const base = ip;
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(dst, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break search;
        table[snappyHash(load32(input, ip - 1), shift)] = ip - 1;
        const hash = snappyHash(load32(input, ip), shift);
        candidate = table[hash];
        table[hash] = ip;
        if (!(ip - candidate <= SNAPPY_MAX_OFFSET && equals32(input, ip, candidate))) break;
      }
      ip++;
      nextHash = snappyHash(load32(input, ip), shift);
    }
  }
  if (nextEmit < n) op = emitLiteral(dst, op, input, nextEmit, n - nextEmit);
  out.pos = op;
}

function emitLiteral(dst: Uint8Array, op: number, input: Uint8Array, ip: number, len: number): number {
  if (len <= 60) dst[op++] = (len - 1) << 2;
  else {
    const value = len - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    dst[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) dst[op++] = value >>> (i * 8);
  }
  if (len < 32) for (let i = 0; i < len; i++) dst[op++] = input[ip + i];
  else {
    dst.set(input.subarray(ip, ip + len), op);
    op += len;
  }
  return op;
}

function emitCopyLessThan64(dst: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    dst[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    dst[op++] = offset & 0xff;
  } else {
    dst[op++] = 2 + ((len - 1) << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(dst: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopyLessThan64(dst, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyLessThan64(dst, op, offset, 60);
    len -= 60;
  }
  return emitCopyLessThan64(dst, op, offset, len);
}
