// The MemgraphCluster v1alpha1 types, derived from the schema so they cannot drift from the CRD.
import type { InType, OutType } from './schema-dsl.js';
import type { resourceSchema, specSchema, statusSchema } from './schema.js';

export const GROUP = 'mgha.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'MemgraphCluster';
export const PLURAL = 'memgraphclusters';
export const SINGULAR = 'memgraphcluster';
export const SHORT_NAME = 'mgc';

/** The spec as a user writes it (defaults may be missing). */
export type MemgraphClusterSpecInput = InType<typeof specSchema>;
/** The spec after defaulting: every defaulted field is present. */
export type MemgraphClusterSpec = OutType<typeof specSchema>;
export type MemgraphClusterStatus = OutType<typeof statusSchema>;
export type MemgraphClusterInput = InType<typeof resourceSchema>;
/** A defaulted MemgraphCluster, what the resource builders and the controller work on. */
export type MemgraphCluster = OutType<typeof resourceSchema>;

export type DataSpec = MemgraphClusterSpec['data'];
export type CoordinatorsSpec = MemgraphClusterSpec['coordinators'];
export type StorageSpec = DataSpec['storage'];
export type ResourcesSpec = NonNullable<DataSpec['resources']>;
export type CoordinatorSettings = NonNullable<MemgraphClusterSpec['coordinatorSettings']>;
export type Condition = NonNullable<MemgraphClusterStatus['conditions']>[number];
export type InstanceStatus = NonNullable<MemgraphClusterStatus['instances']>[number];
export type { ReplicationMode } from './schema.js';
