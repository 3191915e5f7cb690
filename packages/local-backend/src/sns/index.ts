export { LocalSns } from './local-sns';
export type { LocalSnsOptions, SnsDelivery, SnsFaults, SnsListener } from './local-sns';
export { SnsError } from './validate';
