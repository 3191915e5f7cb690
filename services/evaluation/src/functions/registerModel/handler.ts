import { createHandler } from '@mlops/lambda-kit';
import { RegisterModelEvent, registerModel } from './registerModel';

export const handler = createHandler('registerModel', RegisterModelEvent, registerModel);
