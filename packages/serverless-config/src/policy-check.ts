/**
 * The IAM policy checker the infrastructure tests run over every policy document of every packaged template
 * (`@cloud-copilot/iam-policy`, pinned): identity, resource and trust policies each validated by their own rules.
 */
export { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
