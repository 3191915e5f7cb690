import { createHandler } from '@mlops/lambda-kit';
import { StartScoringEvent, startScoring } from './startScoring';

export const handler = createHandler('startScoring', StartScoringEvent, startScoring);
