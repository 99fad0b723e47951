// What the builders need to know about the Kubernetes cluster they build for.

export type PdbApiVersion = 'policy/v1' | 'policy/v1beta1';

export interface BuildContext {
  /** DNS suffix of Services, `cluster.local` unless the cluster was set up otherwise. */
  clusterDomain: string;
  /** policy/v1 from Kubernetes 1.21; 1.20 has only v1beta1. */
  pdbApiVersion: PdbApiVersion;
}

export const DEFAULT_CONTEXT: BuildContext = { clusterDomain: 'cluster.local', pdbApiVersion: 'policy/v1' };

/** Picks the PodDisruptionBudget API from discovery (the server's group versions). */
export function choosePdbApiVersion(groupVersions: readonly string[]): PdbApiVersion {
  if (groupVersions.includes('policy/v1')) return 'policy/v1';
  if (groupVersions.includes('policy/v1beta1')) return 'policy/v1beta1';
  throw new Error('the API server offers no PodDisruptionBudget API (neither policy/v1 nor policy/v1beta1)');
}
