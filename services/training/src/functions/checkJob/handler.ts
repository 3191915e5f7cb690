import { createHandler } from '@mlops/lambda-kit';
import { CheckJobEvent, checkJob } from './checkJob';

export const handler = createHandler('checkJob', CheckJobEvent, checkJob);
