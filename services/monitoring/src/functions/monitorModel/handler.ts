import type { z } from 'zod';
import { createHandler } from '@mlops/lambda-kit';
import { MonitorModelEvent, monitorModel } from './monitorModel';

// createHandler is typed for classic zod schemas; a zod/mini schema parses the same way (safeParse).
export const handler = createHandler('monitorModel', MonitorModelEvent as unknown as z.ZodType<MonitorModelEvent>, monitorModel);
