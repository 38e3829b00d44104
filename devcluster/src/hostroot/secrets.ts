// Secret bytes planted in fake hosts (key files, tokens in flags and config, encryption
// keys): none of them may ever appear in a facts document.
export const CANARY = {
  privateKey: 'CANARY-PRIVATE-KEY-MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  encryptionKey: 'Q0FOQVJZLUVOQ1JZUFRJT04tS0VZLTMyYnl0ZXMhIQ==',
  secretboxKey: 'Q0FOQVJZLVNFQ1JFVEJPWC1LRVktMzJieXRlcyEhIQ==',
  kmsEndpoint: 'unix:///var/run/canary-kms-plugin.sock',
  k3sToken: 'K10CANARYTOKENd8f1c2::server:canarysecret',
  k3sConfigToken: 'CANARY-CONFIG-TOKEN-42',
  agentToken: 'CANARY-AGENT-TOKEN-77',
  datastorePassword: 'CANARY-DB-PASSWORD',
  bootstrapToken: 'abcdef.0123456789canary',
  kubeconfigToken: 'CANARY-KUBECONFIG-BEARER-TOKEN',
  staticToken: 'CANARY-STATIC-TOKEN-CSV',
  etcdPassword: 'CANARY-ETCD-URL-PASSWORD',
} as const;

export const PEM_KEY = `-----BEGIN PRIVATE KEY-----\n${CANARY.privateKey}\n-----END PRIVATE KEY-----\n`;
export const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfakecert\n-----END CERTIFICATE-----\n';
export const KUBECONFIG = `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${CANARY.kubeconfigToken}\n`;
