import { createHandler } from '@mlops/lambda-kit';
import { EvaluateCandidateEvent, evaluateCandidate } from './evaluateCandidate';

export const handler = createHandler('evaluateCandidate', EvaluateCandidateEvent, evaluateCandidate);
