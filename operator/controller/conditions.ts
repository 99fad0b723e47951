// Standard conditions (Kubernetes API conventions, metav1.Condition): lastTransitionTime
// changes only when the status flips, and each carries the generation it describes.
import type { Condition } from '../api/types.js';

export const CONDITION_TYPES = ['Ready', 'Available', 'Degraded', 'Progressing'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface ConditionValue {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export function setCondition(
  previous: readonly Condition[] | undefined,
  type: ConditionType,
  value: ConditionValue,
  generation: number | undefined,
  now: string,
): Condition {
  const old = previous?.find((c) => c.type === type);
  const c: Condition = {
    type,
    ...value,
    lastTransitionTime: old && old.status === value.status ? old.lastTransitionTime : now,
  };
  if (generation !== undefined) c.observedGeneration = generation;
  return c;
}
