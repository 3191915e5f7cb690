export * from './service';
export * from './cloud';
export { LocalSfn, type Executor, type LocalHistoryEvent } from './sfn/sfn';
export { readEndpointServer } from './sagemaker';
export { LocalGlue } from './glue/glue';
