export * from './builder.js';
export * from './secrets.js';
export * from './os.js';
export { kubeadmControlPlane, encryptionConfig } from './kubeadm.js';
export { workerConfigFile, workerFlags } from './workers.js';
export { k3sServer } from './k3s.js';
export * from './scenarios.js';
