/**
 * Retention tiers by age, configured per store (and optionally per kind). The age of a
 * partition is the time from the END of its period to `now`, so a month is judged by its last
 * day. Partitions older than `warmAfterDays` are compacted into one file ('warm'); older than
 * `coldAfterDays` archived (Brotli recompression, 'cold'); older than `purgeAfterDays`
 * deleted. Every threshold is optional; without `purgeAfterDays` nothing is ever deleted.
 */
import { z } from 'zod';
import { MarketDataError } from './errors.ts';
import { periodBounds, RECORD_KINDS, type RecordKind } from './layout.ts';
import type { Partition, Tier } from './manifest.ts';

const days = (name: string) => z.number({ error: `${name} must be a number of days` }).min(0, { error: `${name} must be >= 0` });

const RuleShape = {
  warmAfterDays: days('warmAfterDays').optional(),
  coldAfterDays: days('coldAfterDays').optional(),
  purgeAfterDays: days('purgeAfterDays').optional(),
};

function ordered(rule: { warmAfterDays?: number; coldAfterDays?: number; purgeAfterDays?: number }): boolean {
  const seq = [rule.warmAfterDays, rule.coldAfterDays, rule.purgeAfterDays].filter((v): v is number => v !== undefined);
  return seq.every((v, i) => i === 0 || v >= seq[i - 1]);
}
const ORDER_MESSAGE = 'thresholds must not decrease: warmAfterDays <= coldAfterDays <= purgeAfterDays';

export const RetentionRuleSchema = z.strictObject(RuleShape).refine(ordered, { error: ORDER_MESSAGE });
export const RetentionPolicySchema = z
  .strictObject({ ...RuleShape, kinds: z.partialRecord(z.enum(RECORD_KINDS), z.strictObject(RuleShape)).optional() })
  .refine(ordered, { error: ORDER_MESSAGE });
export type RetentionRule = z.infer<typeof RetentionRuleSchema>;
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** Validate a policy (e.g. read from JSON); errors name the field path. */
export function parseRetentionPolicy(input: unknown, where = 'retention policy'): RetentionPolicy {
  const parsed = RetentionPolicySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    throw new MarketDataError(`${where}: ${at}: ${issue.message}`);
  }
  for (const [kind, rule] of Object.entries(parsed.data.kinds ?? {})) {
    if (!ordered({ ...stripKinds(parsed.data), ...rule })) throw new MarketDataError(`${where}: kinds.${kind}: ${ORDER_MESSAGE}`);
  }
  return parsed.data;
}

function stripKinds(policy: RetentionPolicy): RetentionRule {
  const { kinds: _kinds, ...rule } = policy;
  return rule;
}

export function ruleFor(policy: RetentionPolicy, kind: RecordKind): RetentionRule {
  return { ...stripKinds(policy), ...(policy.kinds?.[kind] ?? {}) };
}

export type RetentionAction = 'keep' | 'warm' | 'cold' | 'purge';

const DAY_MS = 86_400_000;

/** What retention does with a partition at `now`. */
export function retentionAction(policy: RetentionPolicy, partition: Partition, now: number): RetentionAction {
  const rule = ruleFor(policy, partition.kind);
  const ageDays = (now - periodBounds(partition.period)[1]) / DAY_MS;
  const tiers = new Set<Tier>(partition.files.map((f) => f.tier));
  const single = partition.files.length === 1;
  if (rule.purgeAfterDays !== undefined && ageDays >= rule.purgeAfterDays) return 'purge';
  if (rule.coldAfterDays !== undefined && ageDays >= rule.coldAfterDays) return single && tiers.has('cold') ? 'keep' : 'cold';
  if (rule.warmAfterDays !== undefined && ageDays >= rule.warmAfterDays) return single && !tiers.has('hot') ? 'keep' : 'warm';
  return 'keep';
}
