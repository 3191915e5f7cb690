import { createHandler } from '@mlops/lambda-kit';
import { FinalizePublishEvent, finalizePublish } from './finalizePublish';

export const handler = createHandler('finalizePublish', FinalizePublishEvent, finalizePublish);
