import { createHandler } from '@mlops/lambda-kit';
import { StartPipelineEvent, startPipeline } from './startPipeline';

export const handler = createHandler('startPipeline', StartPipelineEvent, startPipeline);
