import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { CHART, manifests, PROFILES, registeredServices, template, type Manifest } from "./helm";

// What a platform team checks in what the chart renders, for every profile: probes, resources
// and a locked-down security context on every workload; every pod behind a NetworkPolicy; each
// registered service deployed on its registry ports; graceful termination longer than the drain.

const objects: Record<string, Manifest[]> = {};
beforeAll(async () => {
  for (const [profile, files] of Object.entries(PROFILES)) {
    const result = await template(files);
    if (!result.ok) throw new Error(`helm template (${profile}) failed:\n${result.stderr}`);
    objects[profile] = manifests(result.stdout);
  }
}, 120_000);

const of = (profile: string, kind: string) => objects[profile]!.filter((object) => object.kind === kind);
const named = (profile: string, kind: string, name: string) => {
  const found = of(profile, kind).find((object) => object.metadata.name === name);
  if (!found) throw new Error(`${profile}: no ${kind} ${name}`);
  return found;
};
const workloads = (profile: string) => objects[profile]!.filter((object) => ["Deployment", "StatefulSet"].includes(object.kind));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs are read field by field
const podsOf = (profile: string): Array<{ name: string; labels: Record<string, string>; spec: any }> => [
  ...workloads(profile).map((object) => ({ name: `${object.kind} ${object.metadata.name}`, labels: object.spec.template.metadata.labels, spec: object.spec.template.spec })),
  ...of(profile, "Pod").map((object) => ({ name: `Pod ${object.metadata.name}`, labels: object.metadata.labels!, spec: object.spec })),
];
/** The container's environment: its ConfigMap's data and its env entries (value or reference). */
function environment(profile: string, service: string): Record<string, unknown> {
  const deployment = named(profile, "Deployment", `crm-${service}`);
  const container = deployment.spec.template.spec.containers[0];
  const fromConfigMap = named(profile, "ConfigMap", container.envFrom[0].configMapRef.name).data ?? {};
  const own = Object.fromEntries((container.env ?? []).map((entry: { name: string; value?: string; valueFrom?: unknown }) => [entry.name, entry.value ?? entry.valueFrom]));
  return { ...fromConfigMap, ...own };
}
const selects = (selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values: string[] }> }, labels: Record<string, string>) =>
  Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector.matchExpressions ?? []).every((expression) => expression.operator === "In" && expression.values.includes(labels[expression.key]!));

describe.each(Object.keys(PROFILES))("profile %s", (profile) => {
  it("deploys the gateway and every registered service on its registry ports", () => {
    for (const { name, grpcPort, opsPort } of registeredServices()) {
      const container = named(profile, "Deployment", `crm-${name}`).spec.template.spec.containers[0];
      expect(container.ports).toEqual([
        { name: "grpc", containerPort: grpcPort, protocol: "TCP" },
        { name: "ops", containerPort: opsPort, protocol: "TCP" },
      ]);
      expect(named(profile, "Service", `crm-${name}`).spec.ports[0]).toMatchObject({ name: "grpc", port: grpcPort, appProtocol: "grpc" });
      expect(environment(profile, name)).toMatchObject({ SERVICE_NAME: name, GRPC_PORT: String(grpcPort), OPS_PORT: String(opsPort) });
    }
    const gateway = environment(profile, "gateway");
    for (const { name, grpcPort, addressEnv } of registeredServices()) expect(gateway[addressEnv]).toBe(`crm-${name}:${grpcPort}`);
  });

  it("gives every container startup, readiness and liveness probes, requests and limits", () => {
    for (const pod of podsOf(profile).filter((pod) => !pod.name.startsWith("Pod "))) {
      for (const container of pod.spec.containers) {
        const where = `${pod.name} ${container.name}`;
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) expect([where, probe, container[probe]]).toEqual([where, probe, expect.any(Object)]);
        for (const bound of ["requests", "limits"]) expect([where, bound, container.resources?.[bound]]).toEqual([where, bound, { cpu: expect.anything(), memory: expect.anything() }]);
      }
    }
  });

  it("probes services over native gRPC health and the gateway over HTTP", () => {
    for (const { name, grpcPort } of registeredServices()) {
      const container = named(profile, "Deployment", `crm-${name}`).spec.template.spec.containers[0];
      expect(container.readinessProbe.grpc).toEqual({ port: grpcPort });
      expect(container.livenessProbe.grpc).toEqual({ port: grpcPort, service: "liveness" });
      expect(container.startupProbe.grpc).toEqual({ port: grpcPort, service: "liveness" });
    }
    const gateway = named(profile, "Deployment", "crm-gateway").spec.template.spec.containers[0];
    expect(gateway.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "ops" });
    expect(gateway.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "ops" });
  });

  it("runs every pod non-root on a read-only root filesystem, without privileges or capabilities", () => {
    for (const pod of podsOf(profile)) {
      expect([pod.name, pod.spec.securityContext]).toEqual([pod.name, expect.objectContaining({ runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: "RuntimeDefault" } })]);
      expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect([pod.name, pod.spec.automountServiceAccountToken]).toEqual([pod.name, false]);
      for (const container of pod.spec.containers) {
        expect([pod.name, container.securityContext]).toEqual([pod.name, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] } }]);
        // The only writable place is a volume at /tmp.
        expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: "tmp", mountPath: "/tmp" }]));
      }
    }
  });

  it("puts every pod behind the default-deny policy and a policy of its own", () => {
    const policies = of(profile, "NetworkPolicy");
    const defaultDeny = named(profile, "NetworkPolicy", "crm-default-deny");
    expect(defaultDeny.spec).toEqual({ podSelector: defaultDeny.spec.podSelector, policyTypes: ["Ingress", "Egress"] });
    for (const pod of podsOf(profile)) {
      expect([pod.name, selects(defaultDeny.spec.podSelector, pod.labels)]).toEqual([pod.name, true]);
      const own = policies.filter((policy) => policy !== defaultDeny && selects(policy.spec.podSelector, pod.labels));
      expect([pod.name, own.length]).toEqual([pod.name, 1]);
      expect(own[0]!.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    }
  });

  it("admits a service's gRPC only from the gateway and its callers, and its egress only to DNS, dependencies, the collector and its callees", () => {
    const callers = (service: string) => ["gateway", ...registeredServices().filter(({ name }) => environment(profile, name)[registeredServices().find((s) => s.name === service)!.addressEnv]).map(({ name }) => name)];
    for (const { name } of registeredServices()) {
      const policy = named(profile, "NetworkPolicy", `crm-${name}`);
      const grpc = policy.spec.ingress.find((rule: { ports: Array<{ port: string }> }) => rule.ports[0]!.port === "grpc");
      expect(grpc.from).toHaveLength(1);
      expect(grpc.from[0].podSelector.matchExpressions[0].values.sort()).toEqual(callers(name).sort());
      // Every egress rule is restricted to ports.
      for (const rule of policy.spec.egress) expect(rule.ports.length).toBeGreaterThan(0);
    }
  });

  it("terminates pods after their drain: preStop sleep, then SIGTERM and SHUTDOWN_GRACE_MS, within terminationGracePeriodSeconds", () => {
    for (const deployment of of(profile, "Deployment").filter((object) => object.metadata.labels!["app.kubernetes.io/component"] !== "otel-collector" && object.metadata.labels!["app.kubernetes.io/component"] !== "jaeger")) {
      const component = deployment.metadata.labels!["app.kubernetes.io/component"]!;
      const pod = deployment.spec.template.spec;
      const drainMs = Number(environment(profile, component).SHUTDOWN_GRACE_MS);
      const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds;
      expect(drainMs).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainMs / 1000);
    }
  });

  it("creates no Secret: secrets are referenced, never rendered", () => {
    expect(of(profile, "Secret")).toEqual([]);
  });

  it("scales with an autoscaler or a replica count, never both", () => {
    for (const { name } of [{ name: "gateway" }, ...registeredServices()]) {
      const deployment = named(profile, "Deployment", `crm-${name}`);
      const autoscaler = of(profile, "HorizontalPodAutoscaler").find((object) => object.spec.scaleTargetRef.name === `crm-${name}`);
      if (autoscaler) expect(deployment.spec.replicas).toBeUndefined();
      else expect(deployment.spec.replicas).toBeGreaterThan(0);
    }
  });
});

describe("profiles", () => {
  it("default: in-chart MongoDB, NATS and Redis, tracing through the collector to Jaeger, autoscaled", () => {
    expect(of("default", "StatefulSet").map((object) => object.metadata.name).sort()).toEqual(["crm-mongodb", "crm-nats", "crm-redis"]);
    expect(environment("default", "contacts")).toMatchObject({ MONGODB_URL: "mongodb://crm-mongodb:27017", MONGODB_DATABASE: "crm_contacts", NATS_URL: "nats://crm-nats:4222", REDIS_URL: "redis://crm-redis:6379", OTEL_EXPORTER_OTLP_ENDPOINT: "http://crm-otel-collector:4318" });
    const collector = named("default", "ConfigMap", "crm-otel-collector").data!["config.yaml"]!;
    expect(collector).toContain("endpoint: crm-jaeger:4317");
    expect(of("default", "HorizontalPodAutoscaler")).toHaveLength(registeredServices().length + 1);
    expect(named("default", "ConfigMap", "crm-dashboards").metadata.labels).toMatchObject({ grafana_dashboard: "1" });
    expect(Object.keys(named("default", "ConfigMap", "crm-dashboards").data!).sort()).toEqual(readdirSync(path.join(CHART, "../../deploy/grafana/dashboards")).sort());
  });

  it("external: each service reads its own URL (own credential) from the Secret; nothing in-chart", () => {
    expect(of("external", "StatefulSet")).toEqual([]);
    for (const { name } of registeredServices()) {
      expect(environment("external", name)).toMatchObject({
        MONGODB_URL: { secretKeyRef: { name: "crm-mongodb-urls", key: name } },
        REDIS_URL: { secretKeyRef: { name: "crm-redis-urls", key: name } },
        NATS_URL: "nats://nats.messaging.svc:4222",
      });
    }
    expect(environment("external", "gateway")).toMatchObject({ AUTH_JWKS_URL: "https://login.example.com/.well-known/jwks.json", AUTH_AUDIENCE: "crm-api" });
    expect(environment("external", "gateway").AUTH_JWT_SECRET).toBeUndefined();
    expect(named("external", "Deployment", "crm-contacts").spec.template.spec.containers[0].image).toMatch(/^registry\.example\.com\/crm\/crm-contacts@sha256:/);
    expect(named("external", "Deployment", "crm-consent").spec.template.spec.containers[0].image).toBe("registry.example.com/crm/crm-consent:1.4.2");
    const contactsEgress = named("external", "NetworkPolicy", "crm-contacts").spec.egress;
    expect(contactsEgress).toContainEqual({ to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ port: 27017, protocol: "TCP" }] });
    // The Prometheus operator: a ServiceMonitor per workload (job = workload) and alerts per workload.
    expect(of("external", "ServiceMonitor")).toHaveLength(registeredServices().length + 1);
    const groups = named("external", "PrometheusRule", "crm-alerts").spec.groups;
    expect(groups.map((group: { name: string }) => group.name).sort()).toEqual(["crm-gateway", ...registeredServices().map(({ name }) => `crm-${name}`)].sort());
    const contactsAlerts = groups.find((group: { name: string }) => group.name === "crm-contacts").rules.map((rule: { alert: string }) => rule.alert);
    expect(contactsAlerts).toEqual(["CrmRpcErrorRate", "CrmRpcLatencyP99", "CrmConsumerLag", "CrmOutboxDepth", "CrmDeadLetters"]);
  });

  it("autoscaling-off: replica counts, one service scaled alone, one variable overridden alone, a declared call", () => {
    expect(of("autoscaling-off", "HorizontalPodAutoscaler")).toEqual([]);
    expect(named("autoscaling-off", "Deployment", "crm-contacts").spec.replicas).toBe(4);
    expect(named("autoscaling-off", "Deployment", "crm-consent").spec.replicas).toBe(3);
    expect(environment("autoscaling-off", "contacts")).toMatchObject({ LOG_LEVEL: "debug", MONGODB_DATABASE: "crm_contacts" });
    expect(environment("autoscaling-off", "consent")).toMatchObject({ LOG_LEVEL: "info" });
    expect(environment("autoscaling-off", "sales-pipeline")).toMatchObject({ CONTACTS_ADDRESS: "crm-contacts:50051" });
    expect(named("autoscaling-off", "NetworkPolicy", "crm-sales-pipeline").spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "crm", "app.kubernetes.io/instance": "crm", "app.kubernetes.io/component": "contacts" } } }],
      ports: [{ port: 50051, protocol: "TCP" }],
    });
  });

  it("minimal: one replica of everything, no volumes to claim, no tracing", () => {
    for (const workload of workloads("minimal")) expect([workload.metadata.name, workload.spec.replicas]).toEqual([workload.metadata.name, 1]);
    expect(of("minimal", "StatefulSet").every((object) => object.spec.volumeClaimTemplates === undefined)).toBe(true);
    for (const kind of ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"]) expect(of("minimal", kind)).toEqual([]);
    expect(environment("minimal", "contacts").OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(named("minimal", "Deployment", "crm-contacts").spec.template.spec.containers[0].image).toBe("crm-contacts:dev");
  });
});

describe("templates", () => {
  it("are generic: no template names a service, so none is a copy for one", () => {
    const templates = readdirSync(path.join(CHART, "templates"), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    for (const entry of templates) {
      const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
      for (const { name } of registeredServices()) expect([entry.name, name, text.includes(name)]).toEqual([entry.name, name, false]);
    }
  });
});
