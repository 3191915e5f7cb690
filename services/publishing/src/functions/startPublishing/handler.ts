import { createHandler } from '@mlops/lambda-kit';
import { StartPublishingEvent, startPublishing } from './startPublishing';

export const handler = createHandler('startPublishing', StartPublishingEvent, startPublishing);
