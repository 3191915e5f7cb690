import { createHandler } from '@mlops/lambda-kit';
import { FinishRunEvent, finishRun } from './finishRun';

export const handler = createHandler('finishRun', FinishRunEvent, finishRun);
