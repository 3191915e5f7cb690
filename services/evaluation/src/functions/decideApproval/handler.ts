import { createHandler } from '@mlops/lambda-kit';
import { DecideApprovalEvent, decideApproval } from './decideApproval';

export const handler = createHandler('decideApproval', DecideApprovalEvent, decideApproval);
