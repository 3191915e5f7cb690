import { createHandler } from '@mlops/lambda-kit';
import { StartValidationEvent, startValidation } from './startValidation';

export const handler = createHandler('startValidation', StartValidationEvent, startValidation);
