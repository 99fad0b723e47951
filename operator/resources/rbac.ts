// The operator's own identity and least-privilege permissions: cluster-wide only for what it
// watches and owns in every namespace, and a namespaced Role for its leader-election Lease.
import type { V1ClusterRole, V1ClusterRoleBinding, V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { GROUP, PLURAL } from '../api/types.js';
import { LABELS, MANAGER } from './names.js';

export const OPERATOR_NAME = MANAGER;

const labels = { [LABELS.name]: 'mgha', 'app.kubernetes.io/component': 'operator' };
const watchAndOwn = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const OPERATOR_RULES: readonly V1PolicyRule[] = [
  { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
  // Setting blockOwnerDeletion on owned objects needs update on the owner's finalizers.
  { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: watchAndOwn },
  { apiGroups: [''], resources: ['services', 'configmaps'], verbs: watchAndOwn },
  // Role labels, and deleting pods one at a time for OnDelete upgrades.
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'delete'] },
  // PVCs come from volume claim templates; the operator only deletes them when asked to.
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: watchAndOwn },
  { apiGroups: ['monitoring.coreos.com'], resources: ['podmonitors'], verbs: watchAndOwn },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

export const LEADER_ELECTION_RULES: readonly V1PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

export function buildOperatorServiceAccount(namespace: string): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: OPERATOR_NAME, namespace, labels } };
}

export function buildOperatorClusterRole(): V1ClusterRole {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: OPERATOR_NAME, labels }, rules: [...OPERATOR_RULES] };
}

export function buildOperatorClusterRoleBinding(namespace: string): V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: OPERATOR_NAME, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME },
    subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }],
  };
}

export function buildLeaderElectionRole(namespace: string): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: `${OPERATOR_NAME}-leader-election`, namespace, labels },
    rules: [...LEADER_ELECTION_RULES],
  };
}

export function buildLeaderElectionRoleBinding(namespace: string): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${OPERATOR_NAME}-leader-election`, namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${OPERATOR_NAME}-leader-election` },
    subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }],
  };
}
