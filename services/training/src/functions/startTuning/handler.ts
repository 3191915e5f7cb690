import { createHandler } from '@mlops/lambda-kit';
import { StartTuningEvent, startTuning } from './startTuning';

export const handler = createHandler('startTuning', StartTuningEvent, startTuning);
