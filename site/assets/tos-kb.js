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
    var rows = Array.prototype.slice.call(table.querySelectorAll("[data-direction]"));
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
    entries = entries.concat.apply(entries, entries.map(function (e) { return e.see || []; }));
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

  function factInput(name, def) {
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
    return el("div", { className: "tk-ask-row tk-fact", "data-fact": name }, [
      el("label", { for: id, text: name }), input,
      el("span", { className: "tk-ask-help", text: def.meaning })]);
  }

  /* The subject's slice of the compiled archive, loaded once (tos_kb/sitegen/ask_data.py). */
  function loadSlice(data, root, subject, loaded) {
    if (loaded[subject]) return loaded[subject];
    var url = new URL(data.slices[subject], root);
    loaded[subject] = fetch(url.href).then(function (response) {
      if (!response.ok) throw new Error("could not load " + subject + " (" + response.status + ")");
      return response.json();
    }).then(function (slice) {
      ["subjects", "documents", "versions"].forEach(function (part) {
        Object.keys(slice[part]).forEach(function (k) { data.compiled[part][k] = slice[part][k]; });
      });
    });
    return loaded[subject];
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
        return el("option", { value: id, text: data.actions[id].label + " (" + id + ")" });
      }));
    var dateInput = el("input", { type: "date", name: "on", id: "tk-ask-on", required: "",
                                  value: data.archive.as_of || "2024-01-01" });
    form.appendChild(el("div", { className: "tk-ask-question" }, [
      el("div", { className: "tk-ask-field" }, [
        el("label", { for: "tk-ask-subject", text: "Subject" }), subjectSelect]),
      el("div", { className: "tk-ask-field" }, [
        el("label", { for: "tk-ask-action", text: "Action" }), actionSelect]),
      el("div", { className: "tk-ask-field" }, [
        el("label", { for: "tk-ask-on", text: "Date" }), dateInput]),
      el("button", { type: "submit", className: "md-button md-button--primary",
                     id: "tk-ask-submit", text: "Ask" })]));
    var answer = el("section", { className: "tk-answer", id: "tk-answer", "aria-live": "polite" });
    form.appendChild(answer);

    form.appendChild(el("datalist", { id: "tk-ask-names" },
      Object.keys(data.names).map(function (n) { return el("option", { value: n }); })));
    var rows = {};
    Object.keys(data.facts).forEach(function (name) { rows[name] = factInput(name, data.facts[name]); });
    var matter = el("fieldset", { className: "tk-ask-facts", id: "tk-ask-facts" },
      [el("legend", { text: "Facts that can change this answer (leave blank if not known)" })]);
    var others = el("details", { className: "tk-ask-other", id: "tk-ask-other" },
      [el("summary", { text: "Other facts (they do not change this answer)" })]);
    form.appendChild(matter);
    form.appendChild(others);

    /* Facts the chosen subject and action's conditions mention come first, in that order. */
    function arrangeFacts() {
      var relevant = ((data.relevant_facts[subjectSelect.value] || {})[actionSelect.value]) || [];
      relevant.forEach(function (name) { if (rows[name]) matter.appendChild(rows[name]); });
      Object.keys(rows).forEach(function (name) {
        if (relevant.indexOf(name) < 0) others.appendChild(rows[name]);
      });
      matter.hidden = !relevant.length;
    }

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

    var loaded = {};
    function run() {
      var q = read();
      if (q.problems.length) {
        answer.textContent = "";
        answer.appendChild(el("p", { className: "tk-error", text: q.problems.join("; ") }));
        return Promise.resolve();
      }
      return loadSlice(data, root, q.subject, loaded).then(function () {
        var result;
        answer.textContent = "";
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
      }).catch(function (e) {
        answer.textContent = "";
        answer.appendChild(el("p", { className: "tk-error", text: String(e.message || e) }));
      });
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    form.addEventListener("change", function (e) {
      if (e.target === subjectSelect || e.target === actionSelect) arrangeFacts();
    });
    box.textContent = "";
    box.appendChild(form);

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
    arrangeFacts();
    var first = params.get("subject") && params.get("action") ? run() : Promise.resolve();
    first.then(function () { box.setAttribute("data-ready", "true"); });
  }

  function list(title, items, className) {
    if (!items || !items.length) return null;
    return el("div", { className: className || "" }, [
      el("h3", { text: title }),
      el("ul", {}, items.map(function (i) { return el("li", { text: i }); }))]);
  }

  function cite(c) {
    return c.document + "@" + c.version + (c.section ? " §" + c.section : "");
  }

  /* One line under the verdict: what decides it, from the decision's own fields. */
  function summary(d, data) {
    if (d.verdict === "unknown") {
      return (data.unknown_reasons || {})[d.unknown_reason] || "The archive cannot say.";
    }
    if (d.verdict === "conditional") {
      if (d.missing_facts.length) return "It turns on " + d.missing_facts.join(", ") + ": see each case below.";
      return "It turns on something outside the facts: " + (d.conditions[0] || "see the clauses below") + ".";
    }
    var deciding = d.citations.filter(function (c) { return c.verdict === d.verdict; })[0] || d.citations[0];
    var by = deciding ? " by " + cite(deciding) : "";
    if (d.verdict === "prohibited") return "Prohibited" + by + ".";
    var duties = d.obligations.length;
    return "Permitted" + by + (duties ? ", with " + duties + (duties === 1 ? " duty" : " duties") : "") + ".";
  }

  function renderAnswer(box, d, data, root) {
    box.setAttribute("data-verdict", d.verdict);
    var head = el("div", { className: "tk-answer-head" }, [
      el("span", { className: "tk-verdict tk-v-" + d.verdict, id: "tk-verdict", "data-verdict": d.verdict,
                   text: d.verdict.toUpperCase() }),
      el("span", { className: "tk-answer-summary", id: "tk-summary", text: " " + summary(d, data) })]);
    box.appendChild(head);
    var given = Object.keys(d.facts);
    box.appendChild(el("p", { className: "tk-answer-facts",
      text: data.actions[d.action].label + " with " + d.subject + " on " + d.on + "; " +
            (given.length ? "facts given: " + given.map(function (k) { return k + "=" + d.facts[k]; }).join(", ")
                          : "no facts given") + "." }));
    if (d.branches.length) {
      var same = JSON.stringify(d.obligations);
      var cases = d.branches.map(function (b) {
        var notes = [];
        if (b.obligations.length) {
          notes.push(JSON.stringify(b.obligations) === same && d.branches.length > 1
            ? "with the duties listed below" : "with: " + b.obligations.join("; "));
        }
        (b.conditions || []).forEach(function (c) { notes.push("turns on: " + c); });
        return el("li", { className: "tk-case" }, [
          el("span", { className: "tk-case-if", text: "If " + (b.assumption || "as given") + ": " }),
          badge(b.verdict),
          notes.length ? el("span", { className: "tk-case-notes", text: " " + notes.join("; ") }) : null]);
      });
      box.appendChild(el("div", { className: "tk-cases", id: "tk-cases" }, [
        el("h3", { text: "Case by case" }), el("ul", {}, cases)]));
    }
    if (d.citations.length) {
      var items = d.citations.map(function (c) {
        var key = c.document + "@" + c.version;
        var words = data.compiled.see_words;
        // a further quote of the clause above, as decision.py render() shows it
        if (Object.prototype.hasOwnProperty.call(words.kinds, c.kind)) {
          return el("li", { className: "tk-citation tk-see" }, [
            "↳ ", el("a", { href: versionHref(root, data, c), text: words.kinds[c.kind] }),
            (c.section ? " § " + c.section : "") + ": " + c.why,
            c.quote ? el("blockquote", { className: "tk-quote", text: c.quote })
                    : el("p", { className: "tk-note", text: "(not in the archived text: " +
                                                            words.not_archived + ")" })]);
        }
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
    var obligations = list("Duties", d.obligations, "tk-obligations-box");
    if (obligations) {
      obligations.id = "tk-obligations";
      box.appendChild(obligations);
    }
    var conditions = list("Conditions", d.conditions);
    if (conditions) box.appendChild(conditions);
    var caveats = list("Caveats", d.caveats, "tk-caveats");
    if (caveats) box.appendChild(caveats);
    box.appendChild(el("details", { className: "tk-details" }, [el("summary", { text: "How the answer was reached" }),
      el("ul", {}, d.reasons.map(function (r) { return el("li", { text: r }); }))]));
    if (d.release) box.appendChild(el("p", { className: "tk-release", text: "Data release " + d.release }));
  }

  function setupAsk() {
    var box = document.getElementById("tos-kb-ask");
    if (!box || !window.TosKbEngine) return;
    var root = siteRoot();
    var url = new URL(box.getAttribute("data-index") || "export/ask/index.json", root);
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

  // --- subject pages: the box at a glance, for another day ---------------------------------

  /* tos_kb.sitegen.subjects.glance_line: what an answer with no facts turns on or comes with. */
  function glanceLine(d, data) {
    if (d.verdict === "conditional") {
      if (d.missing_facts.length) return "turns on " + d.missing_facts.join(", ");
      return "turns on: " + (d.conditions[0] || "something outside the facts");
    }
    if (d.verdict === "unknown") {
      return (data.unknown_reasons || {})[d.unknown_reason] || "the archive cannot say";
    }
    var n = d.obligations.length;
    return n ? "with " + n + (n === 1 ? " duty" : " duties") : "";
  }

  function setupGlance() {
    var input = document.getElementById("tk-glance-on");
    var table = document.getElementById("tk-glance");
    if (!input || !table || !window.TosKbEngine) return;
    var root = siteRoot();
    var subject = input.getAttribute("data-subject");
    var heading = document.getElementById("glance");
    var ready = null;
    function load() {
      if (ready) return ready;
      ready = fetch(new URL("export/ask/index.json", root).href).then(function (r) {
        if (!r.ok) throw new Error("could not load the archive (" + r.status + ")");
        return r.json();
      }).then(function (data) {
        return loadSlice(data, root, subject, {}).then(function () {
          return [data, new window.TosKbEngine.Engine(data)];
        });
      });
      return ready;
    }
    function redraw() {
      var day = input.value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      load().then(function (loaded) {
        var data = loaded[0];
        var engine = loaded[1];
        table.querySelectorAll("tbody tr").forEach(function (row) {
          var action = row.getAttribute("data-action");
          var d = engine.ask(subject, action, day, {});
          var cells = row.querySelectorAll("td");
          cells[0].textContent = "";
          cells[0].appendChild(badge(d.verdict));
          cells[1].textContent = glanceLine(d, data);
          cells[2].textContent = "";
          var deciding = d.citations.filter(function (c) { return c.verdict === d.verdict; })[0] ||
                         d.citations[0];
          if (deciding) {
            cells[2].appendChild(el("a", { href: versionHref(root, data, deciding),
                                           text: cite(deciding) }));
          }
          var ask = cells[3].querySelector("a");
          if (ask) ask.href = ask.href.replace(/on=[0-9-]*/, "on=" + day);
        });
        if (heading) heading.firstChild.textContent = "At a glance on " + day;
        table.setAttribute("data-day", day);
      }).catch(function (e) {
        table.parentNode.appendChild(el("p", { className: "tk-error", text: String(e.message || e) }));
      });
    }
    input.addEventListener("change", redraw);
    var today = new Date().toISOString().slice(0, 10);
    if (input.value !== today) { input.value = today; redraw(); }
    else table.setAttribute("data-day", today);
  }

  function start() {
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
    setupChangesFilter();
    setupAsk();
    setupGlance();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
