/**
 * The write-ahead journal of one run: numbered segment files `journal/<n>.wal` of frames
 * (see frame.ts). A record is acknowledged once the append holding it has returned (after
 * an fsync under the `batch` policy). Appends are serialised by the caller (one in flight per
 * run), so frames land in the order records were stored.
 *
 * The store appends to the current segment and `seal()`s it when it is time to turn its
 * records into part files; sealed segments are read back, applied to the run's files and
 * deleted. A failed append may leave a partial frame behind, so the next append first
 * truncates the segment back to its last acknowledged length ("repair before append"):
 * frames are never written after garbage.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from '../../storage/atomic.ts';
import { fsyncDirSync } from './atomic-sync.ts';
import { scanFrames, type FrameScan } from './frame.ts';
import { errnoCode } from './errors.ts';
import { sleep, sleepSync } from './sleep.ts';

export type FsyncPolicy = 'batch' | 'none';

const SEGMENT_PATTERN = /^(\d{8})\.wal$/;

export class Journal {
  readonly dir: string;
  /** Segment being appended to. */
  private current: number;
  private currentBytes = 0;
  private currentRecords = 0;
  /** The current segment exists and its directory entry is durable. */
  private currentDurable = false;
  /** A failed append may have left bytes past `currentBytes`. */
  private needsRepair = false;
  private busy = false;

  constructor(runDir: string, firstSegment: number, private readonly fsync: FsyncPolicy, private readonly delayMs: number) {
    this.dir = join(runDir, 'journal');
    this.current = firstSegment;
  }

  get segment(): number {
    return this.current;
  }

  get records(): number {
    return this.currentRecords;
  }

  /** True while an asynchronous append is in flight (a synchronous one must not interleave). */
  get inFlight(): boolean {
    return this.busy;
  }

  segmentPath(n: number): string {
    return join(this.dir, `${String(n).padStart(8, '0')}.wal`);
  }

  /** Appends `data` synchronously (the spill path, inside a synchronous loop). */
  appendSync(data: Uint8Array, records: number): void {
    if (this.busy) throw new Error('journal: synchronous append while an asynchronous one is in flight');
    if (this.delayMs > 0) sleepSync(this.delayMs);
    const path = this.segmentPath(this.current);
    const fd = fs.openSync(path, 'a');
    let written = 0;
    try {
      if (this.needsRepair) {
        fs.ftruncateSync(fd, this.currentBytes);
        this.needsRepair = false;
      }
      while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
      if (this.fsync === 'batch') fs.fdatasyncSync(fd);
    } catch (error) {
      // Bytes of a failed append may be in the file: cut them off before the next one.
      if (written > 0) this.needsRepair = true;
      throw error;
    } finally {
      fs.closeSync(fd);
    }
    if (!this.currentDurable) {
      try {
        if (this.fsync === 'batch') fsyncDirSync(this.dir);
      } catch (error) {
        this.needsRepair = true; // not acknowledged: the retry must not append the frame twice
        throw error;
      }
      this.currentDurable = true;
    }
    this.currentBytes += data.length;
    this.currentRecords += records;
  }

  /** Appends `data` without blocking the event loop. */
  async append(data: Uint8Array, records: number): Promise<void> {
    if (this.busy) throw new Error('journal: concurrent appends');
    this.busy = true;
    try {
      if (this.delayMs > 0) await sleep(this.delayMs);
      const handle = await fsp.open(this.segmentPath(this.current), 'a');
      let written = 0;
      try {
        if (this.needsRepair) {
          await handle.truncate(this.currentBytes);
          this.needsRepair = false;
        }
        while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
        if (this.fsync === 'batch') await handle.datasync();
      } catch (error) {
        if (written > 0) this.needsRepair = true;
        throw error;
      } finally {
        await handle.close();
      }
      if (!this.currentDurable) {
        try {
          if (this.fsync === 'batch') await fsyncDir(this.dir);
        } catch (error) {
          this.needsRepair = true; // not acknowledged: the retry must not append the frame twice
          throw error;
        }
        this.currentDurable = true;
      }
      this.currentBytes += data.length;
      this.currentRecords += records;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Ends the current segment (if it holds records) so it can be applied; later appends go
   * to the next one. Not while an append is in flight or a repair is pending: the sealed
   * segment must end with a complete frame. Returns the sealed segment number or null.
   */
  seal(): number | null {
    if (this.currentRecords === 0 || this.busy || this.needsRepair) return null;
    const sealed = this.current;
    this.current++;
    this.currentBytes = 0;
    this.currentRecords = 0;
    this.currentDurable = false;
    return sealed;
  }

  /** Segment numbers on disk, ascending. */
  async list(): Promise<number[]> {
    return listSegments(this.dir);
  }

  async read(n: number): Promise<FrameScan> {
    const path = this.segmentPath(n);
    return scanFrames(await fsp.readFile(path), path);
  }

  async remove(n: number): Promise<void> {
    await fsp.rm(this.segmentPath(n), { force: true });
  }
}

export async function listSegments(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const out: number[] = [];
  for (const name of names) {
    const m = SEGMENT_PATTERN.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

