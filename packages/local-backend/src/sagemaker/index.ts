export { LocalSageMaker, type ContainerEvent } from './local-sagemaker';
export type { LocalSageMakerOptions, SageMakerFaults, SageMakerS3, JobRef } from './types';
export { ProcessRunner, type ContainerRunner, type ContainerSpec, type RunningContainer, type ContainerExit } from './runner';
export { ImageBundler, imageNameOf } from './images';
export { readEndpointServer, type EndpointServerInfo } from './endpoints';
export { compileFilter, csvFields } from './filters';
