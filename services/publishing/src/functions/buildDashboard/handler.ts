import { createHandler } from '@mlops/lambda-kit';
import { BuildDashboardEvent, buildDashboard } from './buildDashboard';

export const handler = createHandler('buildDashboard', BuildDashboardEvent, buildDashboard);
