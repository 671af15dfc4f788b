/*
 * tos-kb site behaviour: the Ask form, the change log filter, and quote
 * highlighting on version pages. Everything from the archive is inserted as
 * text (textContent), never as HTML; only http(s) URLs become links.
 */
(function () {
  "use strict";

  // --- helpers ------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function safeHttpUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url.trim());
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  /* The site root, from the theme's config (relative to this page). */
  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { base = "."; }
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function badge(verdict) {
    return el("span", { className: "tk-badge tk-v-" + verdict.replace(/[^a-z]/g, ""), text: verdict });
  }

  // --- quote highlighting -------------------------------------------------------------

  function highlightTarget() {
    var id = decodeURIComponent((window.location.hash || "").slice(1));
    document.querySelectorAll("mark.tk-active").forEach(function (m) {
      m.classList.remove("tk-active");
    });
    if (!/^(q|qp|qe)-\d+$/.test(id)) return;
    document.querySelectorAll("mark." + id).forEach(function (m) { m.classList.add("tk-active"); });
  }

  // --- change log filter ---------------------------------------------------------------

  function setupChangesFilter() {
    var form = document.getElementById("tk-changes-filter");
    if (!form) return;
    var table = document.getElementById(form.getAttribute("data-target"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var output = form.querySelector("output");
    function apply() {
      var wanted = {};
      form.querySelectorAll("input[name=direction]").forEach(function (box) {
        wanted[box.value] = box.checked;
      });
      var kind = form.querySelector("select[name=kind]").value;
      var text = form.querySelector("input[name=text]").value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var ok = wanted[row.getAttribute("data-direction")] !== false &&
          (!kind || row.getAttribute("data-kind") === kind) &&
          (!text || row.textContent.toLowerCase().indexOf(text) >= 0);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (output) output.textContent = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  // --- the Ask page --------------------------------------------------------------------

  /* A whole number typed in the form, as tos_kb.records.facts.parse_text reads it. */
  function parseInteger(text) {
    var clean = text.trim().replace(/[_,]/g, "");
    if (!/^-?\d+$/.test(clean)) return NaN;
    return Number(clean);
  }

  /* A citation's version page, at its quote (the anchor is compiled beside the citation). */
  function versionHref(root, data, citation) {
    var key = citation.document + "@" + citation.version;
    var version = data.compiled.versions[key];
    var entries = version ? version.rules.concat(version.preconditions) : [];
    var anchor = "";
    entries.some(function (entry) {
      var same = Object.keys(entry.citation).length === Object.keys(citation).length &&
        Object.keys(citation).every(function (k) { return entry.citation[k] === citation[k]; });
      if (same) anchor = entry.anchor || "";
      return same;
    });
    var url = new URL("documents/" + citation.document + "/" + citation.version + "/", root);
    return url.href + (anchor ? "#" + anchor : "");
  }

  function buildForm(box, data, engine, root) {
    var form = el("form", { className: "tk-ask-form", id: "tk-ask-form", autocomplete: "off" });
    var subjects = Object.keys(data.subjects).map(function (id) { return data.subjects[id]; });
    subjects.sort(function (a, b) { return a.name.localeCompare(b.name); });
    var subjectSelect = el("select", { name: "subject", id: "tk-ask-subject", required: "" },
      subjects.map(function (s) {
        return el("option", { value: s.id, text: s.name + " (" + s.id + ")" });
      }));
    var actionSelect = el("select", { name: "action", id: "tk-ask-action", required: "" },
      Object.keys(data.actions).map(function (id) {
        return el("option", { value: id, text: id + " — " + data.actions[id].label });
      }));
    var dateInput = el("input", { type: "date", name: "on", id: "tk-ask-on", required: "",
                                  value: data.archive.as_of || "2024-01-01" });
    form.appendChild(el("div", { className: "tk-ask-row" }, [
      el("label", { for: "tk-ask-subject", text: "Subject" }), subjectSelect]));
    form.appendChild(el("div", { className: "tk-ask-row" }, [
      el("label", { for: "tk-ask-action", text: "Action" }), actionSelect]));
    form.appendChild(el("div", { className: "tk-ask-row" }, [
      el("label", { for: "tk-ask-on", text: "Date" }), dateInput]));

    var names = el("datalist", { id: "tk-ask-names" },
      Object.keys(data.names).map(function (n) { return el("option", { value: n }); }));
    form.appendChild(names);
    var factset = el("fieldset", { className: "tk-ask-facts" }, [el("legend", { text: "Facts (leave blank if not known)" })]);
    Object.keys(data.facts).forEach(function (name) {
      var def = data.facts[name];
      var id = "tk-fact-" + name;
      var input;
      if (def.type === "boolean") {
        input = el("select", { name: "f." + name, id: id }, [
          el("option", { value: "", text: "not known" }),
          el("option", { value: "true", text: "true" }),
          el("option", { value: "false", text: "false" })]);
      } else if (def.type === "enum") {
        input = el("select", { name: "f." + name, id: id },
          [el("option", { value: "", text: "not known" })].concat((def.values || []).map(function (v) {
            return el("option", { value: v, text: v });
          })));
      } else if (def.type === "integer") {
        input = el("input", { type: "text", inputmode: "numeric", name: "f." + name, id: id,
                              placeholder: "not known" });
      } else {
        input = el("input", { type: "text", name: "f." + name, id: id, placeholder: "not known" });
        if (def.type === "subject") input.setAttribute("list", "tk-ask-names");
      }
      factset.appendChild(el("div", { className: "tk-ask-row", title: def.meaning }, [
        el("label", { for: id, text: name }), input,
        el("span", { className: "tk-ask-help", text: def.meaning })]));
    });
    form.appendChild(factset);
    form.appendChild(el("button", { type: "submit", className: "md-button md-button--primary",
                                    id: "tk-ask-submit", text: "Ask" }));
    var answer = el("section", { className: "tk-answer", id: "tk-answer", "aria-live": "polite" });

    function read() {
      var facts = {};
      var problems = [];
      Object.keys(data.facts).forEach(function (name) {
        var field = form.elements["f." + name];
        var raw = (field.value || "").trim();
        if (!raw) return;
        var type = data.facts[name].type;
        if (type === "boolean") facts[name] = raw === "true";
        else if (type === "integer") {
          var n = parseInteger(raw);
          if (isNaN(n)) problems.push(engine.wrongType(name, raw));
          else facts[name] = n;
        } else facts[name] = raw;
      });
      return { subject: subjectSelect.value, action: actionSelect.value, on: dateInput.value,
               facts: facts, problems: problems };
    }

    function writeQuery(q) {
      var params = new URLSearchParams();
      params.set("subject", q.subject);
      params.set("action", q.action);
      params.set("on", q.on);
      Object.keys(q.facts).forEach(function (k) { params.set("f." + k, String(q.facts[k])); });
      window.history.replaceState(null, "", "?" + params.toString());
    }

    function run() {
      var q = read();
      answer.textContent = "";
      if (q.problems.length) {
        answer.appendChild(el("p", { className: "tk-error", text: q.problems.join("; ") }));
        return;
      }
      var result;
      try {
        result = engine.ask(q.subject, q.action, q.on, q.facts);
      } catch (e) {
        answer.appendChild(el("p", { className: "tk-error", text: String(e.message || e) }));
        window.tosKbLastAnswer = { error: String(e.message || e) };
        return;
      }
      writeQuery(q);
      window.tosKbLastAnswer = result;
      renderAnswer(answer, result, data, root);
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    box.textContent = "";
    box.appendChild(form);
    box.appendChild(answer);

    // Prefill from the address (?subject=...&action=...&on=...&f.student=...).
    var params = new URLSearchParams(window.location.search);
    var subject = params.get("subject");
    if (subject && Object.prototype.hasOwnProperty.call(data.names, subject)) {
      subjectSelect.value = data.names[subject];
    }
    if (params.get("action") && Object.prototype.hasOwnProperty.call(data.actions, params.get("action"))) {
      actionSelect.value = params.get("action");
    }
    if (params.get("on")) dateInput.value = params.get("on");
    params.forEach(function (value, key) {
      if (key.indexOf("f.") === 0 && form.elements[key]) form.elements[key].value = value;
    });
    if (params.get("subject") && params.get("action")) run();
    box.setAttribute("data-ready", "true");
  }

  function list(title, items, className) {
    if (!items || !items.length) return null;
    return el("div", { className: className || "" }, [
      el("h3", { text: title }),
      el("ul", {}, items.map(function (i) { return el("li", { text: i }); }))]);
  }

  function renderAnswer(box, d, data, root) {
    box.setAttribute("data-verdict", d.verdict);
    var head = el("p", { className: "tk-answer-head" }, [
      el("span", { className: "tk-verdict tk-v-" + d.verdict, id: "tk-verdict", text: d.verdict.toUpperCase() }),
      " " + d.action + " with " + d.subject + " on " + d.on]);
    box.appendChild(head);
    var given = Object.keys(d.facts);
    box.appendChild(el("p", { className: "tk-answer-facts",
      text: given.length ? "Facts given: " + given.map(function (k) { return k + "=" + d.facts[k]; }).join(", ")
                         : "No facts given." }));
    if (d.missing_facts.length) {
      box.appendChild(el("p", { className: "tk-missing", id: "tk-missing",
                                text: "It turns on: " + d.missing_facts.join(", ") + "." }));
    }
    var conditions = list("Conditions", d.conditions);
    if (conditions) box.appendChild(conditions);
    if (d.branches.length) {
      var rows = d.branches.map(function (b) {
        return el("tr", {}, [el("td", { text: b.assumption || "as given" }),
                             el("td", {}, [badge(b.verdict)]),
                             el("td", { text: b.obligations.join("; ") })]);
      });
      box.appendChild(el("div", {}, [el("h3", { text: "On each side" }),
        el("table", {}, [
          el("thead", {}, [el("tr", {}, [el("th", { text: "If" }), el("th", { text: "Verdict" }),
                                          el("th", { text: "Obligations" })])]),
          el("tbody", {}, rows)])]));
    }
    var obligations = list("Obligations", d.obligations, "tk-obligations-box");
    if (obligations) {
      obligations.id = "tk-obligations";
      box.appendChild(obligations);
    }
    if (d.citations.length) {
      var items = d.citations.map(function (c) {
        var key = c.document + "@" + c.version;
        var parts = [badge(c.verdict), " ",
                     el("a", { href: versionHref(root, data, c), text: key })];
        if (c.section) parts.push(" § " + c.section);
        if (c.condition) parts.push(el("span", { className: "tk-when", text: " (" + c.condition + ")" }));
        var li = el("li", { className: "tk-citation" }, parts);
        if (c.quote) li.appendChild(el("blockquote", { className: "tk-quote", text: c.quote }));
        var source = safeHttpUrl(c.source_url);
        li.appendChild(el("p", { className: "tk-source" }, ["Source: ",
          source ? el("a", { href: source, rel: "noopener noreferrer nofollow", text: c.source_url })
                 : el("span", { text: c.source_url || "" })]));
        return li;
      });
      box.appendChild(el("div", {}, [el("h3", { text: "Deciding clauses" }),
                                      el("ul", { className: "tk-citations", id: "tk-citations" }, items)]));
    }
    var caveats = list("Caveats", d.caveats, "tk-caveats");
    if (caveats) box.appendChild(caveats);
    var reasons = el("details", { className: "tk-details" }, [el("summary", { text: "How the answer was reached" }),
      el("ul", {}, d.reasons.map(function (r) { return el("li", { text: r }); }))]);
    box.appendChild(reasons);
  }

  function setupAsk() {
    var box = document.getElementById("tos-kb-ask");
    if (!box || !window.TosKbEngine) return;
    var root = siteRoot();
    var url = new URL(box.getAttribute("data-export") || "export/tos-kb.json", root);
    fetch(url.href).then(function (response) {
      if (!response.ok) throw new Error("could not load the archive (" + response.status + ")");
      return response.json();
    }).then(function (data) {
      var engine = new window.TosKbEngine.Engine(data);
      buildForm(box, data, engine, root);
    }).catch(function (e) {
      box.textContent = "";
      box.appendChild(el("p", { className: "tk-error", text: String(e.message || e) }));
    });
  }

  function start() {
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
    setupChangesFilter();
    setupAsk();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
