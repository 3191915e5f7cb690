export * from './config/schema';
export * from './config/load';
export * from './errors';
export * from './state';
export * from './naming';
export * from './layout';
export * from './backoff';
export * from './cost/estimate';
