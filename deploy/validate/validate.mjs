// Validates every Kubernetes object in deploy/kubernetes/ and in the Helm chart rendered by
// render.mjs (default values, and helm-test-values.yaml on top) against the Kubernetes JSON schemas
// shipped by the kubernetes-models package, then checks what the schemas cannot: references
// between the objects, the security settings the sensor relies on, and that the chart rendered
// with its default values gives exactly the plain manifests.
//   node validate.mjs DEPLOY_DIR
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import { render, merge } from "./render.mjs";

const deployDir = path.resolve(process.argv[2] || path.join(path.dirname(new URL(import.meta.url).pathname), ".."));
const here = path.dirname(new URL(import.meta.url).pathname);
const errors = [];
let checked = 0;
const fail = (where, msg) => errors.push(`${where}: ${msg}`);
const rel = (p) => path.relative(deployDir, p);

function parseDocs(text, where) {
  const out = [];
  for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })) {
    for (const e of doc.errors) fail(where, `YAML error: ${e.message}`);
    for (const w of doc.warnings) fail(where, `YAML warning: ${w.message}`);
    if (doc.errors.length) continue;
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) out.push(obj);
  }
  return out;
}

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z]+$/.test(kind)) return null;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const dir = group === "" ? version : `${group}/${version}`;
  try {
    return (await import(`kubernetes-models/${dir}/${kind}`))[kind] || null;
  } catch {
    return null;
  }
}

const id = (o) => `${o.kind}/${o?.metadata?.name}`;

async function schemaCheck(obj, where) {
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return fail(where, `unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(obj).validate();
    checked++;
    console.log(`  schema ok  ${where}  ${obj.apiVersion} ${id(obj)}`);
  } catch (e) {
    fail(`${where} ${id(obj)}`, `schema: ${e.message}`);
  }
}

const CONFIG_KEYS = ["capture.interfaces", "capture.exclude", "capture.bpf", "capture.snaplen", "capture.buffer_mb",
  "pipeline.workers", "outputs.eve.dir", "rules.files", "rules.vars"];

/** Checks between objects and the settings the sensor needs; opts.probes: probes required. */
function policyCheck(objs, where, opts) {
  const by = (kind) => objs.filter((o) => o.kind === kind);
  const has = (kind, name) => objs.some((o) => o.kind === kind && o.metadata?.name === name);
  const ns = new Set(objs.filter((o) => !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind))
    .map((o) => o.metadata?.namespace));
  if (ns.size !== 1 || ns.has(undefined)) fail(where, `namespaced objects must share one explicit namespace, got ${[...ns].join(", ")}`);
  const namespace = [...ns][0];
  for (const k of ["DaemonSet", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap"]) {
    if (!by(k).length) fail(where, `no ${k}`);
  }
  for (const ds of by("DaemonSet")) {
    const w = `${where} ${id(ds)}`;
    const spec = ds.spec.template.spec;
    const labels = ds.spec.template.metadata?.labels || {};
    for (const [k, v] of Object.entries(ds.spec.selector.matchLabels || {})) {
      if (labels[k] !== v) fail(w, `selector ${k}=${v} does not match the pod template labels`);
    }
    if (spec.hostNetwork !== true) fail(w, "hostNetwork must be true (the node's bridges and overlays)");
    if (spec.hostPID !== true) fail(w, "hostPID must be true (identity)");
    if (spec.dnsPolicy !== "ClusterFirstWithHostNet") fail(w, "dnsPolicy must be ClusterFirstWithHostNet with hostNetwork");
    if (!(spec.tolerations || []).some((t) => t.operator === "Exists" && !t.key && !t.effect) && opts.allTaints) {
      fail(w, "tolerations must include {operator: Exists} (every taint)");
    }
    if (!has("ServiceAccount", spec.serviceAccountName)) fail(w, `serviceAccountName ${spec.serviceAccountName} is not defined`);
    const volumes = new Map((spec.volumes || []).map((v) => [v.name, v]));
    for (const v of volumes.values()) {
      if (v.configMap && !has("ConfigMap", v.configMap.name)) fail(w, `volume ${v.name}: ConfigMap ${v.configMap.name} is not defined`);
    }
    for (const c of spec.containers) {
      const cw = `${w} container ${c.name}`;
      const sc = c.securityContext || {};
      const add = [...(sc.capabilities?.add || [])].sort();
      if (!isDeepStrictEqual(add, ["NET_ADMIN", "NET_RAW"])) fail(cw, `capabilities.add must be exactly NET_RAW, NET_ADMIN, got ${add}`);
      if (!isDeepStrictEqual(sc.capabilities?.drop, ["ALL"])) fail(cw, "capabilities.drop must be [ALL]");
      if (sc.privileged) fail(cw, "must not be privileged");
      if (sc.readOnlyRootFilesystem !== true) fail(cw, "readOnlyRootFilesystem must be true");
      if (sc.runAsNonRoot === true && sc.allowPrivilegeEscalation === false) {
        fail(cw, "runAsNonRoot with allowPrivilegeEscalation: false: no_new_privs blocks the java binary's file capabilities");
      }
      if (!c.resources?.requests || !c.resources?.limits) fail(cw, "resources.requests and resources.limits are required");
      const ports = new Set((c.ports || []).map((p) => p.name));
      for (const [probe, wantPath] of [["livenessProbe", "/healthz"], ["readinessProbe", "/readyz"]]) {
        const p = c[probe];
        if (!p) { if (opts.probes) fail(cw, `${probe} is required`); continue; }
        if (p.httpGet?.path !== wantPath) fail(cw, `${probe} must be an httpGet on ${wantPath}`);
        const port = p.httpGet?.port;
        if (typeof port === "string" && !ports.has(port)) fail(cw, `${probe} port ${port} is not a named container port`);
      }
      if (!(c.ports || []).some((p) => p.containerPort === 9464)) fail(cw, "metrics port 9464 missing");
      for (const m of c.volumeMounts || []) {
        const v = volumes.get(m.name);
        if (!v) { fail(cw, `volumeMount ${m.name} has no volume`); continue; }
        if (v.hostPath && ["/proc", "/sys"].includes(v.hostPath.path) && m.readOnly !== true) {
          fail(cw, `hostPath ${v.hostPath.path} must be mounted readOnly`);
        }
      }
      const mountPaths = new Set((c.volumeMounts || []).map((m) => m.mountPath));
      for (const p of ["/host/proc", "/host/sys", "/var/lib/crowsnest", "/tmp"]) {
        if (!mountPaths.has(p)) fail(cw, `no volume mounted at ${p}`);
      }
    }
  }
  for (const cr of by("ClusterRole")) {
    const pods = (cr.rules || []).find((r) => (r.resources || []).includes("pods"));
    if (!pods || !["get", "list", "watch"].every((v) => pods.verbs.includes(v))) fail(`${where} ${id(cr)}`, "needs get/list/watch on pods");
    for (const r of cr.rules || []) {
      if (r.verbs.some((v) => !["get", "list", "watch"].includes(v))) fail(`${where} ${id(cr)}`, `read-only verbs only, got ${r.verbs}`);
    }
  }
  for (const b of by("ClusterRoleBinding")) {
    if (!has("ClusterRole", b.roleRef.name)) fail(`${where} ${id(b)}`, `roleRef ${b.roleRef.name} is not defined`);
    for (const s of b.subjects || []) {
      if (s.kind === "ServiceAccount" && (!has("ServiceAccount", s.name) || s.namespace !== namespace)) {
        fail(`${where} ${id(b)}`, `subject ServiceAccount ${s.namespace}/${s.name} is not defined`);
      }
    }
  }
  const cfg = by("ConfigMap").find((c) => c.data && "crowsnest.yaml" in c.data);
  if (!cfg) fail(where, "no ConfigMap with crowsnest.yaml");
  else {
    const docs = parseDocs(cfg.data["crowsnest.yaml"], `${where} ${id(cfg)} crowsnest.yaml`);
    for (const key of CONFIG_KEYS) {
      let v = docs[0];
      for (const k of key.split(".")) v = v && typeof v === "object" ? v[k] : undefined;
      if (v === undefined) fail(`${where} ${id(cfg)} crowsnest.yaml`, `key ${key} missing`);
    }
  }
}

async function loadDir(dir, files) {
  const objs = [];
  for (const f of files) {
    const p = path.join(dir, f);
    for (const o of parseDocs(fs.readFileSync(p, "utf8"), rel(p))) {
      o.__file = rel(p);
      objs.push(o);
    }
  }
  return objs;
}
const strip = (o) => { const { __file, ...rest } = o; return rest; };

function diffPaths(a, b, p = "", out = []) {
  if (isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], `${p}/${k}`, out);
  } else out.push(`${p || "/"}: plain ${JSON.stringify(a)} vs chart ${JSON.stringify(b)}`);
  return out;
}

// ---- plain manifests ----------------------------------------------------------------------------
const k8sDir = path.join(deployDir, "kubernetes");
const k8sFiles = fs.readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml").sort();
console.log(`deploy/kubernetes (${k8sFiles.length} files)`);
const plain = await loadDir(k8sDir, k8sFiles);
for (const o of plain) await schemaCheck(strip(o), o.__file);
policyCheck(plain.map(strip), "deploy/kubernetes", { probes: true, allTaints: true });
const kust = parseDocs(fs.readFileSync(path.join(k8sDir, "kustomization.yaml"), "utf8"), "kubernetes/kustomization.yaml")[0];
if (!isDeepStrictEqual([...(kust?.resources || [])].sort(), k8sFiles)) {
  fail("kubernetes/kustomization.yaml", `resources must list every manifest: ${k8sFiles.join(", ")}`);
}

// ---- Helm chart ---------------------------------------------------------------------------------
const chartDir = path.join(deployDir, "helm", "crowsnest");
const chart = parseDocs(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"), "helm/crowsnest/Chart.yaml")[0] || {};
for (const k of ["apiVersion", "name", "version", "appVersion"]) if (!chart[k]) fail("helm/crowsnest/Chart.yaml", `${k} missing`);
if (chart.apiVersion !== "v2") fail("helm/crowsnest/Chart.yaml", "apiVersion must be v2");
const values = parseDocs(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8"), "helm/crowsnest/values.yaml")[0] || {};
const tplDir = path.join(chartDir, "templates");
const templates = fs.readdirSync(tplDir).filter((f) => !f.startsWith("_")).sort();

async function renderChart(vals, label) {
  const ctx = {
    Values: vals,
    Release: { Name: "crowsnest", Namespace: "crowsnest", Service: "Helm" },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const objs = [];
  for (const f of templates) {
    const where = `helm/crowsnest/templates/${f} (${label})`;
    let text;
    try {
      text = render(fs.readFileSync(path.join(tplDir, f), "utf8"), ctx);
    } catch (e) {
      fail(where, `render: ${e.message}`);
      continue;
    }
    if (!/\.ya?ml$/.test(f)) continue; // NOTES.txt: rendered only
    for (const o of parseDocs(text, where)) { o.__file = where; objs.push(o); }
  }
  for (const o of objs) await schemaCheck(strip(o), o.__file);
  return objs.map(strip);
}

console.log("helm/crowsnest rendered with values.yaml");
const rendered = await renderChart(values, "values.yaml");
policyCheck(rendered, "helm (values.yaml)", { probes: true, allTaints: true });
// thin over the plain manifests: same objects, same content (the Namespace comes from --create-namespace)
const key = (o) => `${o.kind}/${o.metadata?.name}`;
const plainByKey = new Map(plain.map(strip).filter((o) => o.kind !== "Namespace").map((o) => [key(o), o]));
const renderedByKey = new Map(rendered.map((o) => [key(o), o]));
for (const k of new Set([...plainByKey.keys(), ...renderedByKey.keys()])) {
  if (!plainByKey.has(k)) fail("helm (values.yaml)", `${k} is not in deploy/kubernetes`);
  else if (!renderedByKey.has(k)) fail("helm (values.yaml)", `${k} of deploy/kubernetes is missing from the chart`);
  else for (const d of diffPaths(plainByKey.get(k), renderedByKey.get(k)).slice(0, 10)) fail(`helm (values.yaml) ${k}`, `differs from deploy/kubernetes at ${d}`);
}

const overlayFile = path.join(here, "helm-test-values.yaml");
const overlay = parseDocs(fs.readFileSync(overlayFile, "utf8"), "validate/helm-test-values.yaml")[0] || {};
console.log("helm/crowsnest rendered with values.yaml + validate/helm-test-values.yaml");
const rendered2 = await renderChart(merge(values, overlay), "test values");
policyCheck(rendered2, "helm (test values)", { probes: false, allTaints: false });
const ds2 = rendered2.find((o) => o.kind === "DaemonSet");
if (ds2) {
  const spec = ds2.spec.template.spec;
  const c = spec.containers[0];
  const expect = (cond, msg) => { if (!cond) fail("helm (test values)", msg); };
  expect(c.image === `${overlay.image.repository}:${overlay.image.tag}`, `image not taken from values: ${c.image}`);
  expect(!c.livenessProbe && !c.readinessProbe, "probes.enabled=false must drop both probes");
  expect(spec.priorityClassName === undefined, "priorityClassName \"\" must drop the field");
  expect(spec.volumes.find((v) => v.name === "output")?.hostPath?.path === overlay.output.hostPath, "output.hostPath must give a hostPath volume");
  expect(isDeepStrictEqual(spec.tolerations, overlay.tolerations), "tolerations not taken from values");
  expect(isDeepStrictEqual(spec.nodeSelector, merge(values.nodeSelector, overlay.nodeSelector)), "nodeSelector not taken from values");
  expect(isDeepStrictEqual(c.resources, merge(values.resources, overlay.resources)), "resources not taken from values");
  const rules = rendered2.find((o) => o.metadata?.name === "crowsnest-rules");
  expect(rules?.data?.["local.rules"] === overlay.extraRules, "extraRules not mounted verbatim");
}

if (errors.length) {
  console.error(`\nFAILED: ${errors.length} problem(s) in the Kubernetes manifests / Helm chart:`);
  for (const e of errors) console.error(`  - ${e}`);
  process.exit(1);
}
console.log(`kubernetes: ${checked} objects valid against the Kubernetes schemas (kubernetes-models), references and security settings checked`);
