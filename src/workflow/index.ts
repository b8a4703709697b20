/**
 * Workflows: multi-phase research runs (generate a grid on a training window, select the top
 * K, replay them with risk/cost variants, validate out of sample or walk-forward, report IS
 * vs OOS) from configs/workflows/*.yaml or an object. docs/workflows.md.
 */
export { runWorkflow, workflowResultJson, type RunWorkflowOptions, type WorkflowResult, type PhaseSummary } from './run.ts';
export { loadWorkflowFile, parseWorkflow, validateWorkflow, WorkflowError, PHASE_OUTPUTS, type ValidatedWorkflow } from './validate.ts';
export { planWorkflow, type WorkflowPlan } from './plan.ts';
export { PHASE_TYPES, type Phase, type PhaseType, type WorkflowConfig } from './schema.ts';
export { buildReport, reportTable, spearman, type WorkflowReport, type ReportRow } from './report.ts';
export type { CandidateRow, CandidateSpec, RowSet, ValidatedRow, ValidatedSet, Scored } from './rows.ts';
export type { WorkflowProgress } from './evaluate.ts';
export { walkForwardWindows, checkRange, toDataWindow, WindowError, type BarRange, type WalkForwardSpec, type WalkForwardWindow } from './windows.ts';

/** Whether a parsed YAML document is a workflow (it has `phases:`) rather than a topology. */
export const isWorkflowInput = (raw: unknown): boolean => raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'phases' in raw;
