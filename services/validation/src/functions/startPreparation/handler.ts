import { createHandler } from '@mlops/lambda-kit';
import { StartPreparationEvent, startPreparation } from './startPreparation';

export const handler = createHandler('startPreparation', StartPreparationEvent, startPreparation);
