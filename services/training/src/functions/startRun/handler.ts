import { createHandler } from '@mlops/lambda-kit';
import { StartRunEvent, startRun } from './startRun';

export const handler = createHandler('startRun', StartRunEvent, startRun);
