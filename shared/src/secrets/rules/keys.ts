// Private keys and cloud credentials. Each rule's "linear:" note says why one try (at an
// anchor, see matcher.ts) costs a constant number of steps, whatever the value's length.
import { ASSIGN, END, START, re, rei, type SecretRule } from '../rule.js';

// Examples are assembled from pieces so that this file itself never holds a whole token.
const B64 = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PEM_HEADER = re`-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----`;
const PEM = (label: string) => `-----BEGIN ${label}-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END ${label}-----`;

export const KEY_RULES: readonly SecretRule[] = [
  {
    // linear: a bounded look-behind (at most 30 characters) and an 11-character literal.
    id: 'oci-api-signing-key',
    reason: 'an OCI API signing key',
    description: 'A private key labelled OCI_API_KEY after its END line, as the OCI Console writes API signing keys.',
    anchors: ['OCI_API_KEY'],
    pattern: re`(?<=PRIVATE KEY-----\s{0,4})OCI_API_KEY`,
    examples: { match: [PEM('PRIVATE KEY') + '\nOCI_API_KEY'], nearMiss: ['export OCI_API_KEY_PATH=~/.oci/key.pem'] },
  },
  {
    // linear: a literal, bounded blanks and 4 characters of value; `requires` is a literal.
    id: 'oci-config-key',
    reason: 'an OCI API key or its passphrase in an OCI config',
    description: 'An OCI SDK/CLI config (with an ocid1. or fingerprint) holding key_content or pass_phrase inline.',
    anchors: ['key_content', 'pass_phrase'],
    pattern: rei`(?:key_content|pass_phrase)${ASSIGN}[^\s"'$%{<]{4}`,
    requires: /ocid1\.|fingerprint/i,
    examples: {
      match: ['[DEFAULT]\nuser=ocid1.user.oc1..aaaa\nfingerprint=12:34:56\npass_phrase=' + 'Tr0ub4dor-3\n'],
      nearMiss: ['[DEFAULT]\nuser=ocid1.user.oc1..aaaa\nfingerprint=12:34:56\nkey_file=~/.oci/oci_api_key.pem\n'],
    },
  },
  {
    // linear: a bounded look-behind (at most 35 characters) and a literal; `requires` is a
    // literal, bounded blanks and a literal.
    id: 'gcp-service-account-key',
    reason: 'a GCP service account key',
    description: 'Service-account JSON ("type": "service_account") that holds a "private_key".',
    anchors: ['service_account'],
    pattern: re`(?<=\\?["']type\\?["']\s{0,8}:\s{0,8}\\?["'])service_account\\?["']`,
    requires: /\\?["']private_key\\?["']\s{0,8}:\s{0,8}\\?["']-----BEGIN/,
    examples: {
      match: ['{\n  "type": "service_account",\n  "project_id": "p",\n  "private_key": "' + PEM('PRIVATE KEY').replace(/\n/g, '\\n') + '"\n}'],
      nearMiss: ['{"type": "service_account", "client_email": "ci@p.iam.gserviceaccount.com"}'],
    },
  },
  {
    // linear: `(?:[A-Z0-9]{1,12} ){0,3}`: each word ends at a space its class excludes, so a
    // split is unique; at most 3 words of 12 characters are read, then fixed literals.
    id: 'pem-private-key',
    reason: 'a PEM private key',
    description: 'A PEM or PGP private key header: -----BEGIN [RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP …] PRIVATE KEY( BLOCK)?-----.',
    anchors: ['-----BEGIN '],
    pattern: PEM_HEADER,
    examples: {
      match: [PEM('RSA PRIVATE KEY'), PEM('EC PRIVATE KEY'), PEM('OPENSSH PRIVATE KEY'), PEM('ENCRYPTED PRIVATE KEY'), PEM('PRIVATE KEY'), PEM('DSA PRIVATE KEY'), '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF'],
      nearMiss: [PEM('CERTIFICATE'), PEM('PUBLIC KEY'), PEM('RSA PUBLIC KEY'), '-----BEGIN PGP PUBLIC KEY BLOCK-----'],
    },
  },
  {
    // linear: a 14-character literal and at most 100 base64 characters; the check decodes
    // those (at most 114 characters) and tests the header pattern above on the result.
    id: 'pem-private-key-base64',
    reason: 'a base64-encoded PEM private key',
    description: 'A PEM private key encoded in base64 as a whole (as in Helm values and kubeconfigs): LS0tLS1CRUdJTi… decoding to a private key header.',
    anchors: ['LS0tLS1CRUdJTi'],
    pattern: re`LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,100}`,
    accept: (m) => PEM_HEADER.test(Buffer.from(m[0].slice(0, m[0].length - (m[0].length % 4)), 'base64').toString('latin1')),
    examples: {
      match: ['client-key-data: ' + Buffer.from(PEM('RSA PRIVATE KEY')).toString('base64'), Buffer.from(PEM('OPENSSH PRIVATE KEY')).toString('base64')],
      nearMiss: ['certificate-authority-data: ' + Buffer.from(PEM('CERTIFICATE')).toString('base64')],
    },
  },
  {
    // linear: fixed literals with one optional word.
    id: 'ssh2-private-key',
    reason: 'an SSH2 private key',
    description: 'An SSH2 (RFC 4716 style) private key header: ---- BEGIN SSH2 [ENCRYPTED] PRIVATE KEY ----.',
    anchors: ['---- BEGIN SSH2 '],
    pattern: re`---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----`,
    examples: { match: ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "x"'], nearMiss: ['---- BEGIN SSH2 PUBLIC KEY ----'] },
  },
  {
    // linear: a literal, one digit, at most 4 blanks and 3 characters.
    id: 'putty-private-key',
    reason: 'a PuTTY private key',
    description: 'A PuTTY .ppk key file: PuTTY-User-Key-File-N: <algorithm>.',
    anchors: ['PuTTY-User-Key-File-'],
    pattern: re`PuTTY-User-Key-File-[1-9]:[ \t]{0,4}[a-z0-9-]{3}`,
    examples: { match: ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none'], nearMiss: ['convert it to a PuTTY-User-Key-File with puttygen'] },
  },
  {
    // linear: 4 characters, 16 more, and one-character look-behind and look-ahead.
    id: 'aws-access-key-id',
    reason: 'an AWS access key id',
    description: 'An AWS access key id: AKIA (long-term), ASIA (temporary), ABIA, ACCA or A3T followed by 16 characters.',
    anchors: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    pattern: re`${START}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}${END}`,
    examples: { match: ['AKIA' + 'IOSFODNN7EXAMPLE', 'aws.key=ASIA' + 'IOSFODNN7EXAMPLE\n'], nearMiss: ['AKIA' + 'IOSFODNN7EXAMPL', 'AKIA' + 'IOSFODNN7EXAMPLEX', 'AKIA' + 'iosfodnn7example'] },
  },
  {
    // linear: literals with optional separators, bounded blanks, 40 characters and a
    // one-character look-ahead.
    id: 'aws-secret-access-key',
    reason: 'an AWS secret access key',
    description: 'A 40-character secret assigned to a key named like aws_secret_access_key or SecretAccessKey.',
    anchors: ['secret'],
    pattern: rei`secret[_.-]?access[_.-]?key${ASSIGN}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`,
    examples: {
      match: ['[default]\naws_secret_access_key = ' + B64 + '\n', '{"SecretAccessKey": "' + B64 + '"}'],
      nearMiss: ['aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}', 'aws_secret_access_key_file = /run/secrets/aws'],
    },
  },
  {
    // linear: a 12-character literal, 100 characters, a one-character look-behind.
    id: 'aws-session-token',
    reason: 'an AWS session token',
    description: 'An AWS STS session token (base64 starting IQoJb3JpZ2lu or FwoGZXIvYXdz).',
    anchors: ['IQoJb3JpZ2lu', 'FwoGZXIvYXdz'],
    pattern: re`(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[A-Za-z0-9+/=]{100}`,
    examples: { match: ['IQoJb3JpZ2lu' + 'X2VjEJr'.repeat(16)], nearMiss: ['IQoJb3JpZ2lu' + 'X2VjEJr'] },
  },
  {
    // linear: a literal and 40 characters.
    id: 'azure-storage-key',
    reason: 'an Azure storage or shared access key',
    description: 'An Azure connection string key: AccountKey=… (storage) or SharedAccessKey=… (Service Bus, Event Hubs, IoT Hub).',
    anchors: ['AccountKey=', 'SharedAccessKey='],
    pattern: rei`(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{40}`,
    examples: {
      match: ['DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=' + B64 + B64 + '==;EndpointSuffix=core.windows.net'],
      nearMiss: ['Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;EntityPath=q', 'AccountName=shop;AccountKey=${KEY}'],
    },
  },
  {
    // linear: a one-character look-behind, a literal and 30 characters; `requires` is
    // anchored to one character and reads 14 more.
    id: 'azure-sas-token',
    reason: 'an Azure shared access signature',
    description: 'An Azure SAS token or URL: a sig= parameter with a signed version (sv=YYYY-MM-DD).',
    anchors: ['sig='],
    pattern: re`(?<![^?&;])sig=[A-Za-z0-9%+/=]{30}`,
    requires: /(?:^|[?&;])sv=\d{4}-\d\d-\d\d/,
    examples: {
      match: ['https://shop.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig=' + 'q0OAB8SgSZ%2BQJ5xvHZ1mBf2X%2FlT9cYpN3vK4w0h8oSE%3D'],
      nearMiss: ['https://shop.blob.core.windows.net/c?sv=2022-11-02&comp=list', 'https://example.com/?sig=' + 'q0OAB8SgSZ%2BQJ5xvHZ1mBf2X%2FlT9cYpN3'],
    },
  },
  {
    // linear: literals with optional words, bounded blanks and 40 characters.
    id: 'azure-batch-key',
    reason: 'an Azure Batch account key',
    description: 'A key assigned to a name like AZURE_BATCH_ACCESS_KEY or batch_account_key.',
    anchors: ['batch'],
    pattern: rei`batch[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key${ASSIGN}[A-Za-z0-9+/]{40}`,
    examples: { match: ['AZURE_BATCH_ACCESS_KEY=' + B64 + B64 + '=='], nearMiss: ['batch_account_key: ${BATCH_KEY}', 'batch_size=100'] },
  },
];
