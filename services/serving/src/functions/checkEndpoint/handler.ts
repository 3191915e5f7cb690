import { createHandler } from '@mlops/lambda-kit';
import { CheckEndpointEvent, checkEndpoint } from './checkEndpoint';

export const handler = createHandler('checkEndpoint', CheckEndpointEvent, checkEndpoint);
