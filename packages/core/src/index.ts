export * from './config/schema';
export * from './config/load';
export * from './errors';
