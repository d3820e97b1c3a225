// A tiny renderer for the subset of Helm templates that deploy/helm/crowsnest uses (Helm itself does
// not install here). Supported, and nothing else (anything else is an error, so the chart stays
// within what is checked):
//   {{ .Values.a.b }}  {{ .Release.Name }}  {{ .Release.Namespace }}  {{ .Release.Service }}
//   {{ .Chart.Name }}  {{ .Chart.Version }}  {{ .Chart.AppVersion }}
//   pipelines:  X | quote   X | toYaml   X | nindent N   X | indent N   toYaml X | nindent N
//   {{ if X }} ... {{ else }} ... {{ end }}   (Go-template truthiness; nesting allowed)
//   {{- and -}} whitespace trimming, {{/* comments */}}
// A missing value is an error (Helm would print "<no value>").
import YAML from "yaml";

const ACTION = /\{\{(-?)(\s*)([\s\S]*?)(\s*)(-?)\}\}/g;

function tokenize(src) {
  const tokens = [];
  let last = 0;
  for (const m of src.matchAll(ACTION)) {
    const [whole, ltrim, lsp, body, rsp, rtrim] = m;
    if (ltrim && !lsp) throw new Error(`"{{-" must be followed by a space: ${whole}`);
    if (rtrim && !rsp) throw new Error(`"-}}" must be preceded by a space: ${whole}`);
    tokens.push({ type: "text", value: src.slice(last, m.index) });
    tokens.push({ type: "action", body: body.trim(), ltrim: !!ltrim, rtrim: !!rtrim, src: whole });
    last = m.index + whole.length;
  }
  tokens.push({ type: "text", value: src.slice(last) });
  // whitespace trimming
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== "action") continue;
    if (t.ltrim && i > 0) tokens[i - 1].value = tokens[i - 1].value.replace(/\s+$/, "");
    if (t.rtrim && i + 1 < tokens.length) tokens[i + 1].value = tokens[i + 1].value.replace(/^\s+/, "");
  }
  return tokens;
}

function parse(tokens) {
  const root = { children: [] };
  const stack = [root];
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t.type === "text") { top.children.push(t); continue; }
    const body = t.body;
    if (body.startsWith("/*")) {
      if (!body.endsWith("*/")) throw new Error(`unterminated comment: ${t.src}`);
      continue;
    }
    if (/^if\s/.test(body)) {
      const node = { type: "if", cond: body.slice(3).trim(), children: [], elseChildren: null, src: t.src };
      top.children.push(node);
      stack.push(node);
    } else if (body === "else") {
      if (top.type !== "if" || top.inElse) throw new Error(`"else" without "if": ${t.src}`);
      // from here on, children go to the else branch; "end" swaps the then branch back in
      top.inElse = true;
      top.elseChildren = [];
      top.thenChildren = top.children;
      top.children = top.elseChildren;
    } else if (body === "end") {
      if (top.type !== "if") throw new Error(`"end" without "if": ${t.src}`);
      if (top.inElse) { top.children = top.thenChildren; }
      stack.pop();
    } else {
      top.children.push({ type: "expr", expr: body, src: t.src });
    }
  }
  if (stack.length !== 1) throw new Error(`"if" without "end": ${stack[stack.length - 1].src}`);
  return root.children;
}

function lookup(path, ctx, src) {
  const m = /^\.(Values|Release|Chart)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(path);
  if (!m) throw new Error(`unsupported value reference "${path}" in ${src}`);
  let v = ctx[m[1]];
  const keys = m[2] ? m[2].slice(1).split(".") : [];
  for (const k of keys) {
    if (v === null || typeof v !== "object" || !(k in v)) {
      throw new Error(`no value for ${path} (missing "${k}") in ${src}`);
    }
    v = v[k];
  }
  return v;
}

function toYaml(v) {
  return YAML.stringify(v, { lineWidth: 0 }).replace(/\n$/, "");
}

function indent(n, s) {
  const pad = " ".repeat(n);
  return pad + String(s).replace(/\n/g, "\n" + pad);
}

function evaluate(expr, ctx, src) {
  const stages = expr.split("|").map((s) => s.trim());
  let value;
  const first = stages[0].split(/\s+/);
  if (first.length === 1) value = lookup(first[0], ctx, src);
  else if (first.length === 2 && first[0] === "toYaml") value = toYaml(lookup(first[1], ctx, src));
  else throw new Error(`unsupported expression "${stages[0]}" in ${src}`);
  for (const stage of stages.slice(1)) {
    const [fn, ...args] = stage.split(/\s+/);
    if (fn === "toYaml" && args.length === 0) value = toYaml(value);
    else if (fn === "quote" && args.length === 0) value = JSON.stringify(scalar(value, src));
    else if ((fn === "nindent" || fn === "indent") && args.length === 1 && /^\d+$/.test(args[0])) {
      value = (fn === "nindent" ? "\n" : "") + indent(Number(args[0]), scalar(value, src));
    } else throw new Error(`unsupported function "${stage}" in ${src}`);
  }
  return value;
}

function scalar(v, src) {
  if (v !== null && typeof v === "object") throw new Error(`a map or list needs toYaml in ${src}`);
  return v === null || v === undefined ? "" : String(v);
}

function truthy(v) {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function emit(nodes, ctx, out) {
  for (const n of nodes) {
    if (n.type === "text") out.push(n.value);
    else if (n.type === "expr") out.push(scalar(evaluate(n.expr, ctx, n.src), n.src));
    else if (n.type === "if") {
      const branch = truthy(evaluate(n.cond, ctx, n.src)) ? n.children : (n.elseChildren || []);
      emit(branch, ctx, out);
    }
  }
}

/** Renders one template with ctx = {Values, Release, Chart}. */
export function render(template, ctx) {
  const out = [];
  emit(parse(tokenize(template)), ctx, out);
  return out.join("");
}

/** Deep merge (maps merge, everything else replaces), like helm's -f overlays. */
export function merge(base, overlay) {
  if (overlay === null || typeof overlay !== "object" || Array.isArray(overlay)) return overlay;
  const out = { ...(base && typeof base === "object" && !Array.isArray(base) ? base : {}) };
  for (const [k, v] of Object.entries(overlay)) out[k] = merge(out[k], v);
  return out;
}
