import { createHandler } from '@mlops/lambda-kit';
import { CheckValidationEvent, checkValidation } from './checkValidation';

export const handler = createHandler('checkValidation', CheckValidationEvent, checkValidation);
