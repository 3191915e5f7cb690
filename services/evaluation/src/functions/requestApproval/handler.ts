import { createHandler } from '@mlops/lambda-kit';
import { RequestApprovalEvent, requestApproval } from './requestApproval';

export const handler = createHandler('requestApproval', RequestApprovalEvent, requestApproval);
