import { createHandler } from '@mlops/lambda-kit';
import { PredictEvent, predict } from './predict';

export const handler = createHandler('predict', PredictEvent, predict);
