// Realistic name/value pairs as the collector sees them at ingest: container env values (short:
// ports, hosts, flags, URLs, JVM options) and ConfigMap data (properties, YAML, nginx and
// Prometheus configs, JSON, scripts, CA bundles, a Grafana-size dashboard), about 1 in 50 of
// them holding a credential. Deterministic. For the `secrets` bench section.

export interface NamedValue {
  name: string;
  value: string;
}

/** xorshift32: a deterministic sequence in [0, 1), the same on every run. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const ENV: readonly [string, (r: () => number) => string][] = [
  ['PORT', (r) => String(1024 + Math.floor(r() * 60000))],
  ['LOG_LEVEL', (r) => ['debug', 'info', 'warn', 'error'][Math.floor(r() * 4)]!],
  ['NODE_ENV', () => 'production'],
  ['SPRING_PROFILES_ACTIVE', () => 'prod,kubernetes'],
  ['JAVA_OPTS', () => '-Xms512m -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -Djava.security.egd=file:/dev/./urandom'],
  ['DATABASE_HOST', (r) => `postgres-${Math.floor(r() * 9)}.db.svc.cluster.local`],
  ['REDIS_URL', () => 'redis://redis-master.cache.svc.cluster.local:6379/0'],
  ['API_BASE_URL', () => 'https://api.example.com/v2'],
  ['TOKEN_URL', () => 'https://auth.example.com/oauth2/token'],
  ['FEATURE_NEW_CHECKOUT', (r) => (r() < 0.5 ? 'true' : 'false')],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', () => 'http://otel-collector.observability:4317'],
  ['POD_NAME', () => '$(POD_NAME)'],
  ['TZ', () => 'Europe/Berlin'],
  ['GOMAXPROCS', () => '2'],
  ['CACHE_TTL_SECONDS', () => '300'],
  ['TLS_CERT_FILE', () => '/etc/tls/tls.crt'],
  ['DB_PASSWORD_FILE', () => '/run/secrets/db-password'],
  ['KAFKA_BROKERS', () => 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092'],
  ['APP_VERSION', (r) => `1.${Math.floor(r() * 40)}.${Math.floor(r() * 10)}`],
  ['UUID', (r) => [8, 4, 4, 4, 12].map((n) => Math.floor(r() * 16 ** n).toString(16).padStart(n, '0')).join('-')],
];

const PROPERTIES = `server.port=8080
server.shutdown=graceful
spring.application.name=orders
spring.datasource.url=jdbc:postgresql://postgres.db:5432/orders
spring.datasource.username=orders
spring.datasource.password=\${DB_PASSWORD}
spring.jpa.hibernate.ddl-auto=validate
management.endpoints.web.exposure.include=health,info,prometheus
logging.level.root=INFO
logging.level.org.hibernate.SQL=WARN
security.oauth2.resourceserver.jwt.issuer-uri=https://auth.example.com/realms/shop
`;

const NGINX = `worker_processes auto;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  sendfile on;
  keepalive_timeout 65;
  upstream api { server api.shop.svc.cluster.local:8080; keepalive 32; }
  server {
    listen 8080;
    server_name shop.example.com;
    location /healthz { return 200 'ok'; }
    location /api/ { proxy_pass http://api; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }
    location / { root /usr/share/nginx/html; try_files $uri /index.html; }
  }
}
`;

const PROMETHEUS = `global:
  scrape_interval: 30s
  evaluation_interval: 30s
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: true
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        action: replace
        target_label: __metrics_path__
        regex: (.+)
  - job_name: kubernetes-nodes
    scheme: https
    tls_config:
      ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
`;

const CA_BUNDLE = `-----BEGIN CERTIFICATE-----\n${'MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n'.repeat(20)}-----END CERTIFICATE-----\n`.repeat(3);

const SCRIPT = `#!/bin/sh
set -eu
until pg_isready -h "$DATABASE_HOST" -p 5432; do echo waiting for postgres; sleep 2; done
psql "postgresql://$DB_USER@$DATABASE_HOST/orders" -c 'select 1'
exec /app/server --config /etc/app/config.yaml
`;

function dashboard(r: () => number, panels: number): string {
  const list = Array.from({ length: panels }, (_, i) => ({
    id: i,
    type: 'timeseries',
    title: `Requests per second ${i}`,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    targets: [{ expr: `sum(rate(http_requests_total{job="orders",code=~"5.."}[5m])) by (pod) * ${Math.floor(r() * 100)}`, refId: 'A' }],
    fieldConfig: { defaults: { unit: 'reqps', thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 80 }] } } },
  }));
  return JSON.stringify({ title: 'Orders', uid: 'orders-overview', schemaVersion: 39, panels: list }, null, 2);
}

/** Credentials, one in about 50 values (assembled from pieces: this file holds no whole token). */
const SECRETS: readonly NamedValue[] = [
  { name: 'DB_PASSWORD', value: 'hunter-' + '7f3a9c' },
  { name: 'AWS_ACCESS_KEY_ID', value: 'AKIA' + 'IOSFODNN7EXAMPLE' },
  { name: 'application.yaml', value: PROPERTIES.replace('${DB_PASSWORD}', 'S3cr3t!' + 'pass') },
  { name: 'DATABASE_URL', value: 'postgres://orders:' + 'S3cr3t!pass' + '@postgres.db:5432/orders' },
  { name: 'GITHUB_TOKEN', value: 'ghp_' + 'R4nd0mT0k3nV4lu3xQ9zL2pW8sK5mN7bC1dF' },
];

/** `count` realistic name/value pairs. */
export function realisticValues(count: number, seed = 7): NamedValue[] {
  const r = xorshift(seed);
  const out: NamedValue[] = [];
  for (let i = 0; i < count; i++) {
    const x = r();
    if (x < 0.02) out.push(SECRETS[Math.floor(r() * SECRETS.length)]!);
    else if (x < 0.9) {
      const [name, make] = ENV[Math.floor(r() * ENV.length)]!;
      out.push({ name, value: make(r) });
    } else if (x < 0.93) out.push({ name: 'application.properties', value: PROPERTIES });
    else if (x < 0.95) out.push({ name: 'nginx.conf', value: NGINX });
    else if (x < 0.97) out.push({ name: 'prometheus.yml', value: PROMETHEUS });
    else if (x < 0.98) out.push({ name: 'ca-bundle.crt', value: CA_BUNDLE });
    else if (x < 0.995) out.push({ name: 'init.sh', value: SCRIPT });
    else out.push({ name: 'orders-dashboard.json', value: dashboard(r, 40 + Math.floor(r() * 80)) });
  }
  return out;
}
