export { TestApiServer, ServerStateError, type TestApiServerOptions } from './server.js';
export { ApiError, type StatusObject } from './errors.js';
export { generateObjects, type GenerateOptions } from './generate.js';
export { kubeconfigFor } from './kubeconfig.js';
export { parseManifests, readManifestDir, ManifestError } from './load.js';
export { RESOURCES, OPTIONAL_KINDS, ResourceRegistry, resourceByKind, type ResourceInfo } from './resources.js';
export type { PatchType } from './patch.js';
