import { createHandler } from '@mlops/lambda-kit';
import { DeployEndpointEvent, deployEndpoint } from './deployEndpoint';

export const handler = createHandler('deployEndpoint', DeployEndpointEvent, deployEndpoint);
