export { LocalSns } from './local-sns';
export type { LocalSnsOptions, SnsDelivery, SnsListener } from './local-sns';
export { SnsError } from './validate';
