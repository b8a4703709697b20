import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const PACKAGE_NAME: string = pkg.name;
export const PACKAGE_VERSION: string = pkg.version;
/**
 * Version of the simulation semantics (fill timing, sizing, costs, signal rules). Bump it
 * whenever a change could alter any trade or equity value, so stored results and strategy
 * hashes from older engines are never mistaken for current ones.
 */
export const ENGINE_VERSION = '1';
