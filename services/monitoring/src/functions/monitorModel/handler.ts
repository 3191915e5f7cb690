import { createHandler } from '@mlops/lambda-kit';
import { MonitorModelEvent, monitorModel } from './monitorModel';

export const handler = createHandler('monitorModel', MonitorModelEvent, monitorModel);
