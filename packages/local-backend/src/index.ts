export * from './service';
export * from './cloud';
export { LocalSfn, type Executor, type LocalHistoryEvent, type TaskTokens } from './sfn/sfn';
export { TaskFailure, TaskTokenStore, type TaskSettlement, type TaskTokenOwner, type WaitOptions } from './sfn/task-tokens';
export { readEndpointServer } from './sagemaker';
export { LocalGlue } from './glue/glue';
export { applyFaults, FAULT_NAMES, lambdaServiceException, parseFaults, TRANSFORM_FAIL_AFTER_RECORDS, UnknownFaultError, type FaultPlan, type LambdaFaults } from './faults';
