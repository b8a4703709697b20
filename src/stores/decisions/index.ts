/** The decision audit trail. */
export { DecisionStore, type DecisionStoreOpenReport } from './store.ts';
export {
  DecisionFilterSchema, DecisionInputSchema, DecisionPatchSchema, DecisionSchema, RiskCheckSchema,
  type Decision, type DecisionFilter, type DecisionInput, type DecisionPatch, type RiskCheck,
} from './schema.ts';
