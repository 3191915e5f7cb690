export * from './run';
export * from './definition';
export * from './environment';
export * from './events';
export * from './executor';
export * from './handlers';
export * from './notifications';
export * from './summary';
