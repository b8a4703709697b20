import { z } from 'zod';

/** Ids of containers, strategies, portfolios, classifiers: safe in file names and topic keys. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'ids use letters, digits, _ . - (max 64), starting with a letter or digit');
