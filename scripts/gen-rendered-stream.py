#!/usr/bin/env python3
"""Generate a `helm template`-like stream for benchmarking `check`.

Usage: gen-rendered-stream.py [--docs N] [--mb SIZE] [--helm4] > stream.yaml

Documents are framed like Helm 3 (`---` + `# Source:`) or, with --helm4, like
Helm 4's post-renderer input (no comments, a postrender-filename annotation).
The mix follows a big chart: ServiceAccounts, ConfigMaps with block scalars
and quoted "on"/"yes" flags, Secrets, Services, Deployments (1-2 containers,
10-40 env entries, probes, affinity, tolerations), hook Jobs, HPAs, Ingresses
and a few large CRDs, plus the Camunda 13.x orchestration StatefulSet, importer
Deployment and migration Jobs so that `check` passes and writes the stream
out. Deterministic (fixed seed); the size is reached by padding ConfigMaps.
"""
import argparse
import random
import sys

REL = "camunda"
CHART = "camunda-platform-13.12.7"


def labels(ind, component, extra=""):
    p = " " * ind
    return (
        f"{p}app: camunda-platform\n{p}app.kubernetes.io/name: camunda-platform\n"
        f"{p}app.kubernetes.io/instance: {REL}\n{p}app.kubernetes.io/managed-by: Helm\n"
        f"{p}app.kubernetes.io/part-of: camunda-platform\n{p}helm.sh/chart: {CHART}\n"
        f"{p}app.kubernetes.io/component: {component}\n{p}app.kubernetes.io/version: \"8.8.36\"\n{extra}"
    )


def meta(kind, api, name, component, helm4, src, annotations=""):
    ann = annotations
    if helm4:
        ann += f"    postrenderer.helm.sh/postrender-filename: 'camunda-platform/templates/{src}'\n"
    out = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: \"{REL}\"\n  labels:\n"
    out += labels(4, component)
    out += "  annotations:\n" + ann if ann else "  annotations:\n    {}\n"
    return out


def container(r, name, image, n_env):
    env_name = name.upper().replace("-", "_")
    env = "".join(
        f"            - name: ENV_{env_name}_{i}\n"
        f"              value: \"{r.choice(['on', 'yes', 'x' * r.randint(5, 60), '8080', 'true'])}\"\n"
        for i in range(n_env)
    )
    return (
        f"        - name: {name}\n          image: {image}\n          imagePullPolicy: IfNotPresent\n"
        f"          command: [\"bash\", \"/usr/local/bin/startup.sh\"]\n          env:\n{env}"
        "          readinessProbe:\n            httpGet:\n              path: /actuator/health/readiness\n"
        "              scheme: HTTP\n              port: 9600\n            initialDelaySeconds: 30\n"
        "          resources:\n            limits:\n              cpu: 2000m\n              memory: 3000Mi\n"
        "            requests:\n              cpu: 1000m\n              memory: 1500Mi\n"
        "          volumeMounts:\n            - name: config\n              mountPath: /usr/local/camunda/config\n"
    )


def pod(r, component, image, n_containers, restart=None):
    cs = "".join(container(r, f"{component}-{i}", image, r.randint(10, 40)) for i in range(n_containers))
    rp = f"      restartPolicy: {restart}\n" if restart else ""
    return (
        f"  template:\n    metadata:\n      labels:\n{labels(8, component)}      annotations:\n"
        f"        checksum/config: {r.getrandbits(128):032x}\n    spec:\n{rp}      imagePullSecrets:\n        []\n"
        f"      containers:\n{cs}      affinity:\n        podAntiAffinity:\n"
        "          preferredDuringSchedulingIgnoredDuringExecution:\n          - podAffinityTerm:\n"
        "              labelSelector:\n                matchExpressions:\n"
        "                - key: app.kubernetes.io/component\n"
        "                  operator: In\n                  values:\n                  - zeebe-broker\n"
        "              topologyKey: kubernetes.io/hostname\n            weight: 1\n"
        "      tolerations:\n        - key: dedicated\n          operator: Equal\n          value: camunda\n"
        "          effect: NoSchedule\n      volumes:\n        - name: config\n          configMap:\n"
        "            name: camunda-zeebe-configuration-unified\n            defaultMode: 492\n"
    )


def selector(component):
    return f"  selector:\n    matchLabels:\n{labels(6, component)}"


def gen(r, i, kind, helm4, pad):
    n = f"svc{i}"
    if kind == "ServiceAccount":
        doc = meta(kind, "v1", n, "connectors", helm4, "sa.yaml") + "automountServiceAccountToken: false\n"
        return "serviceaccount.yaml", doc
    if kind == "ConfigMap":
        body = "".join(
            f"      key{j}: value with some text {j} {'x' * r.randint(10, 80)}\n" for j in range(r.randint(20, 60))
        )
        body += "".join(f"      filler{j}: {'y' * 100}\n" for j in range(pad))
        return "configmap.yaml", (
            meta(kind, "v1", n, "connectors", helm4, "configmap.yaml")
            + f"data:\n  enabled: \"on\"\n  legacy: \"yes\"\n  application.yaml: |\n    camunda:\n{body}"
            + "  log4j2.xml: |-\n    <Configuration status=\"WARN\">\n      <Loggers><Root level=\"info\"/></Loggers>\n"
            + "    </Configuration>\n"
        )
    if kind == "Secret":
        return "secret.yaml", meta(kind, "v1", n, "identity", helm4, "secret.yaml") + (
            "type: Opaque\ndata:\n"
            + "".join(f"  key{j}: {'QUJD' * r.randint(4, 20)}\n" for j in range(r.randint(3, 12)))
        )
    if kind == "Service":
        return "service.yaml", meta(kind, "v1", n, "connectors", helm4, "service.yaml") + (
            "spec:\n  type: ClusterIP\n  ports:\n    - port: 8080\n      name: http\n      targetPort: 8080\n"
            "      protocol: TCP\n" + selector("connectors").replace("  selector:\n    matchLabels:\n", "  selector:\n")
            .replace("      ", "    ")
        )
    if kind == "Deployment":
        return "deployment.yaml", meta(kind, "apps/v1", n, "connectors", helm4, "deployment.yaml") + (
            "spec:\n  replicas: 1\n" + selector("connectors") + "  strategy:\n    type: RollingUpdate\n"
            + pod(r, "connectors", "camunda/connectors-bundle:8.8.17", r.randint(1, 2))
        )
    if kind == "HookJob":
        hook = "    \"helm.sh/hook\": pre-upgrade\n    \"helm.sh/hook-weight\": \"-5\"\n"
        return "hook-job.yaml", meta("Job", "batch/v1", n, "setup", helm4, "hook-job.yaml", hook) + (
            "spec:\n  backoffLimit: 3\n" + pod(r, "setup", "busybox:1.36", 1, "Never")
        )
    if kind == "HorizontalPodAutoscaler":
        return "hpa.yaml", meta(kind, "autoscaling/v2", n, "connectors", helm4, "hpa.yaml") + (
            f"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {n}\n"
            "  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource:\n"
            "        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 80\n"
        )
    if kind == "Ingress":
        return "ingress.yaml", meta(kind, "networking.k8s.io/v1", n, "connectors", helm4, "ingress.yaml",
                                    "    nginx.ingress.kubernetes.io/backend-protocol: GRPC\n") + (
            "spec:\n  ingressClassName: nginx\n  rules:\n    - host: \"camunda.example.com\"\n      http:\n"
            "        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n"
            f"              service:\n                name: {n}\n"
            "                port:\n                  number: 8080\n"
        )
    if kind == "CustomResourceDefinition":
        props = "".join(
            f"                field{j}:\n                  type: string\n"
            f"                  description: \"{'d' * 80}\"\n"
            for j in range(1200)
        )
        return "crd.yaml", meta(kind, "apiextensions.k8s.io/v1", f"things{i}.example.com", "crd", helm4, "crd.yaml") + (
            "spec:\n  group: example.com\n  names:\n    kind: Thing\n    plural: things\n  scope: Namespaced\n"
            "  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n"
            "        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n"
            f"              type: object\n              properties:\n{props}"
        )
    raise ValueError(kind)


def camunda(r, helm4):
    """The resources `check` requires, 13.1+ names."""
    def doc(kind, api, name, component, src):
        return meta(kind, api, name, component, helm4, f"orchestration/{src}")
    sts = doc("StatefulSet", "apps/v1", "camunda-zeebe", "zeebe-broker", "statefulset.yaml") + (
        "spec:\n  replicas: 3\n" + selector("zeebe-broker") + "  serviceName: \"camunda-zeebe\"\n"
        + pod(r, "zeebe-broker", "camunda/camunda:8.8.36", 1))
    importer = doc("Deployment", "apps/v1", "camunda-zeebe-migration-importer", "orchestration-importer",
                   "importer-deployment.yaml") + (
        "spec:\n  replicas: 1\n" + selector("orchestration-importer")
        + pod(r, "orchestration-importer", "camunda/camunda:8.8.36", 1))
    job_pod = pod(r, "orchestration-migration", "camunda/camunda:8.8.36", 1, "OnFailure").replace(
        "command: [\"bash\", \"/usr/local/bin/startup.sh\"]",
        "command:\n            - /usr/local/camunda/bin/data-migration")
    job = doc("Job", "batch/v1", "camunda-zeebe-migration-data", "orchestration-migration",
              "migration-data-job.yaml") + "spec:\n  backoffLimit: 6\n" + job_pod
    return [("orchestration/statefulset.yaml", sts), ("orchestration/importer-deployment.yaml", importer),
            ("orchestration/migration-data-job.yaml", job)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--helm4", action="store_true")
    a = ap.parse_args()
    r = random.Random(5003)
    n = a.docs - 3
    # Proportions of the reference stream (rust-yaml.md section 2): 840 x 5 kinds, 288 hook Jobs, 280 HPAs,
    # 210 Ingresses, 25 CRDs per 5,003 documents.
    mix = [("ServiceAccount", 840), ("ConfigMap", 840), ("Secret", 840), ("Service", 840), ("Deployment", 840),
           ("HookJob", 288), ("HorizontalPodAutoscaler", 280), ("Ingress", 210), ("CustomResourceDefinition", 25)]
    total = sum(c for _, c in mix)
    kinds = [k for k, c in mix for _ in range(max(1 if k == "CustomResourceDefinition" else 0, round(c * n / total)))]
    kinds = (kinds + ["ConfigMap"] * n)[:n]
    # First pass without padding to learn the size, then pad ConfigMaps to reach --mb.
    def build(pad):
        rr = random.Random(5003)
        docs = [gen(rr, i, k, a.helm4, pad) for i, k in enumerate(kinds)]
        docs[len(docs) // 2:len(docs) // 2] = camunda(rr, a.helm4)
        return docs
    base = sum(len(d) for _, d in build(0))
    n_cm = max(1, kinds.count("ConfigMap"))
    pad = max(0, int((a.mb * 1e6 - base) / (n_cm * 117)))
    out = sys.stdout
    for i, (src, doc) in enumerate(build(pad)):
        if a.helm4:
            out.write(("---\n" if i else "") + doc)
        else:
            out.write(f"---\n# Source: camunda-platform/templates/{src}\n{doc}")


if __name__ == "__main__":
    main()
