/*
 * tos-kb engine in JavaScript: answers (subject, action, date, facts) from the
 * JSON export exactly as tos_kb.KnowledgeBase.ask does in Python.
 *
 * It is a line-by-line transcription of tos_kb/conditions.py, engine.py,
 * timeline.py (lookup by day), factspace.py (relevant values) and kb.py
 * (_decide, _settle, _relevant, _cases, conditions_for, _check_facts). A parity test
 * (tests/test_site_engine.py) runs it under node against Python on every
 * scenario and on hundreds of generated questions; change both together.
 *
 * Works in the browser (window.TosKbEngine) and under node (require).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.TosKbEngine = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var RANK = { silent: 0, permitted: 1, conditional: 2, prohibited: 3 };
  var OPERATORS = {
    eq: "=", ne: "\u2260", lt: "<", lte: "\u2264", gt: ">", gte: "\u2265",
    in: "in", not_in: "not in"
  };
  var LISTS = { in: true, not_in: true };
  var OTHER_STUDENT = "another-model";

  function has(obj, key) {
    return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
  }

  function given(facts, name) {
    return has(facts, name) && facts[name] !== null && facts[name] !== undefined;
  }

  function addUnique(target, items) {
    for (var i = 0; i < items.length; i++) {
      if (target.indexOf(items[i]) < 0) target.push(items[i]);
    }
  }

  // --- conditions (tos_kb/conditions.py) -------------------------------------------

  function parse(raw) {
    var parts = Object.keys(raw).map(function (key) { return parseEntry(key, raw[key]); });
    return parts.length === 1 ? parts[0] : { t: "all", parts: parts };
  }

  function parseEntry(key, value) {
    if (key === "all" || key === "any") {
      return { t: key, parts: value.map(parse) };
    }
    if (key === "not") return { t: "not", part: parse(value) };
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      var op = Object.keys(value)[0];
      return { t: "test", fact: key, op: op, value: value[op] };
    }
    return { t: "test", fact: key, op: "eq", value: value };
  }

  function same(a, b) {
    return a === b;
  }

  function evaluate(c, facts) {
    var result, i, v;
    switch (c.t) {
      case "test":
        if (!given(facts, c.fact)) return null;
        v = facts[c.fact];
        switch (c.op) {
          case "eq": return same(v, c.value);
          case "ne": return !same(v, c.value);
          case "in": return c.value.some(function (x) { return same(v, x); });
          case "not_in": return !c.value.some(function (x) { return same(v, x); });
          case "lt": return v < c.value;
          case "lte": return v <= c.value;
          case "gt": return v > c.value;
          case "gte": return v >= c.value;
        }
        throw new Error("unknown operator " + c.op);
      case "all":
        result = true;
        for (i = 0; i < c.parts.length; i++) {
          v = evaluate(c.parts[i], facts);
          if (v === false) return false;
          if (v === null) result = null;
        }
        return result;
      case "any":
        result = false;
        for (i = 0; i < c.parts.length; i++) {
          v = evaluate(c.parts[i], facts);
          if (v === true) return true;
          if (v === null) result = null;
        }
        return result;
      case "not":
        v = evaluate(c.part, facts);
        return v === null ? null : !v;
    }
    throw new Error("unknown condition " + c.t);
  }

  function groupDigits(n) {
    var sign = n < 0 ? "-" : "";
    var digits = String(Math.abs(n));
    return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, "_");
  }

  function show(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number" && Number.isInteger(value)) return groupDigits(value);
    return String(value);
  }

  function describe(c) {
    switch (c.t) {
      case "test":
        if (LISTS[c.op]) {
          return c.fact + " " + OPERATORS[c.op] + " [" + c.value.map(show).join(", ") + "]";
        }
        if (c.op === "eq" && typeof c.value === "boolean") {
          return c.value ? c.fact : "not " + c.fact;
        }
        return c.fact + " " + OPERATORS[c.op] + " " + show(c.value);
      case "all":
        return c.parts.map(wrap).join(" and ");
      case "any":
        return c.parts.map(wrap).join(" or ");
      case "not":
        return "not (" + describe(c.part) + ")";
    }
    throw new Error("unknown condition " + c.t);
  }

  function wrap(c) {
    var text = describe(c);
    return (c.t === "all" || c.t === "any") && c.parts.length > 1 ? "(" + text + ")" : text;
  }

  function tests(c, out) {
    out = out || [];
    if (c.t === "test") out.push(c);
    else if (c.t === "not") tests(c.part, out);
    else c.parts.forEach(function (p) { tests(p, out); });
    return out;
  }

  function factsNamed(c) {
    var seen = [];
    tests(c).forEach(function (t) { if (seen.indexOf(t.fact) < 0) seen.push(t.fact); });
    return seen;
  }

  function missingFacts(c, facts) {
    return factsNamed(c).filter(function (f) { return !given(facts, f); });
  }

  // --- the fact space (tos_kb/factspace.py) -----------------------------------------

  function num(value) {
    return typeof value === "number" && Number.isInteger(value) ? groupDigits(value) : String(value);
  }

  function relevantValues(definition, name, conditions) {
    var found = [];
    conditions.forEach(function (c) {
      tests(c).forEach(function (t) { if (t.fact === name) found.push(t); });
    });
    if (definition.type === "boolean") return [[true, name], [false, "not " + name]];
    if (definition.type === "enum") {
      return (definition.values || []).map(function (v) { return [v, name + " = " + v]; });
    }
    if (definition.type === "integer") {
      var opsAt = [];  // [bound, {op: true}] in first-seen order, then sorted
      found.forEach(function (t) {
        if (["lt", "lte", "gt", "gte", "eq", "ne"].indexOf(t.op) < 0) return;
        var entry = opsAt.filter(function (e) { return e[0] === t.value; })[0];
        if (!entry) { entry = [t.value, {}]; opsAt.push(entry); }
        entry[1][t.op] = true;
      });
      if (!opsAt.length) return [[0, name + " = 0"]];
      opsAt.sort(function (a, b) { return a[0] - b[0]; });
      var values = [];
      var seen = [];
      var subset = function (ops, allowed) {
        return Object.keys(ops).every(function (op) { return allowed.indexOf(op) >= 0; });
      };
      opsAt.forEach(function (entry) {
        var bound = entry[0];
        var shown = num(bound);
        var pairs;
        if (subset(entry[1], ["lte", "gt"])) {
          pairs = [[bound, name + " \u2264 " + shown], [bound + 1, name + " > " + shown]];
        } else if (subset(entry[1], ["lt", "gte"])) {
          pairs = [[bound - 1, name + " < " + shown], [bound, name + " \u2265 " + shown]];
        } else {
          pairs = [[bound - 1, name + " < " + shown], [bound, name + " = " + shown],
                   [bound + 1, name + " > " + shown]];
        }
        pairs.forEach(function (pair) {
          if (seen.indexOf(pair[0]) < 0) { seen.push(pair[0]); values.push(pair); }
        });
      });
      return values;
    }
    var named = [];
    found.forEach(function (t) { if (LISTS[t.op]) named = named.concat(t.value); });
    found.forEach(function (t) { if (t.op === "eq" || t.op === "ne") named.push(t.value); });
    var unique = [];
    named.forEach(function (v) { if (unique.indexOf(v) < 0) unique.push(v); });
    var out = unique.map(function (v) { return [v, name + " = " + v]; });
    out.push([definition.type === "subject" ? OTHER_STUDENT : "other", name + " is another value"]);
    return out;
  }

  // --- errors --------------------------------------------------------------------------

  function AskError(message) {
    this.name = "AskError";
    this.message = message;
  }
  AskError.prototype = Object.create(Error.prototype);

  // --- the engine ------------------------------------------------------------------

  function Engine(data) {
    if (!data || data.format !== "tos-kb-export") {
      throw new AskError("not a tos-kb export");
    }
    this.data = data;
    this._compiled = {};
    this._conditions = {};
  }

  Engine.prototype.cond = function (raw) {
    // Conditions are parsed once per raw object.
    if (raw === null || raw === undefined) return null;
    if (!raw.__parsed) {
      Object.defineProperty(raw, "__parsed", { value: parse(raw), enumerable: false });
    }
    return raw.__parsed;
  };

  Engine.prototype.ancestry = function (action) {
    var actions = this.data.actions;
    var chain = [];
    var current = action;
    while (current !== null && current !== undefined && chain.indexOf(current) < 0 &&
           has(actions, current)) {
      chain.push(current);
      current = has(actions[current], "parent") ? actions[current].parent : null;
    }
    return chain;
  };

  /* A version's rules and preconditions for one action (tos_kb.kb._compile). */
  Engine.prototype.compiled = function (key, action) {
    var id = key + "\u0000" + action;
    if (has(this._compiled, id)) return this._compiled[id];
    var self = this;
    var record = this.data.versions[key];
    var chain = this.ancestry(action);
    var own = {};
    (record.rules || []).forEach(function (rule) {
      if (!has(own, rule.action)) own[rule.action] = [];
      own[rule.action].push(rule);
    });
    var rules = [];
    if (has(this.data.actions, action)) {
      for (var i = 0; i < chain.length; i++) {
        if (has(own, chain[i])) { rules = own[chain[i]]; break; }
      }
    }
    var compiledRules = rules.map(function (rule) {
      var when = self.cond(rule.when);
      return { rule: rule, when: when, citation: ruleCitation(record, rule, when) };
    });
    var pres = (record.preconditions || []).filter(function (pre) {
      if (!pre.actions || !pre.actions.length) return true;
      return pre.actions.some(function (a) { return chain.indexOf(a) >= 0; });
    }).map(function (pre) {
      var unless = self.cond(pre.unless);
      return { pre: pre, unless: unless, citation: preCitation(record, pre, unless) };
    });
    var result = { rules: compiledRules, preconditions: has(this.data.actions, action) ? pres : [] };
    this._compiled[id] = result;
    return result;
  };

  function citation(fields) {
    var out = {};
    Object.keys(fields).forEach(function (k) {
      if (fields[k] !== null && fields[k] !== undefined) out[k] = fields[k];
    });
    return out;
  }

  function ruleCitation(record, rule, when) {
    return citation({
      document: record.document,
      version: record.version,
      section: rule.section,
      quote: rule.quote,
      source_url: record.source_url,
      verdict: rule.verdict,
      action: rule.action,
      kind: "rule",
      quote_file: rule.quote_file,
      note: rule.note,
      condition: when ? describe(when) : null
    });
  }

  function preCitation(record, pre, unless) {
    return citation({
      document: record.document,
      version: record.version,
      section: pre.section,
      quote: pre.quote,
      source_url: record.source_url,
      verdict: "precondition",
      action: (pre.actions && pre.actions.length ? pre.actions : ["*"]).join(","),
      kind: "precondition",
      quote_file: pre.quote_file,
      note: pre.note,
      condition: "unless " + describe(unless)
    });
  }

  function outcome(verdict, citations) {
    return { verdict: verdict, citations: citations || [], obligations: [], missing: [],
             conditions: [], notes: [] };
  }

  function push(map, key, item) {
    if (!has(map, key)) map[key] = [];
    map[key].push(item);
  }

  function get(map, key) {
    return has(map, key) ? map[key] : [];
  }

  function cites(list) {
    return list.map(function (c) { return c.citation; });
  }

  /* tos_kb.engine._from_rules */
  function fromRules(applies, maybe, facts) {
    var out, i, c;
    if (has(applies, "prohibited")) return outcome("prohibited", cites(applies.prohibited));
    var open = get(maybe, "prohibited").concat(get(applies, "conditional"), get(maybe, "conditional"));
    if (open.length) {
      out = outcome("conditional", cites(open));
      for (i = 0; i < open.length; i++) {
        c = open[i];
        if (c.when !== null) {
          addUnique(out.missing, missingFacts(c.when, facts));
          if (c.rule.verdict === "prohibited") {
            addUnique(out.conditions, ["prohibited if " + describe(c.when)]);
          }
        }
        if (c.rule.condition) addUnique(out.conditions, [c.rule.condition]);
      }
      var permits = get(applies, "permitted").concat(get(maybe, "permitted"));
      out.citations = out.citations.concat(cites(permits));
      permits.concat(get(applies, "conditional"), get(maybe, "conditional")).forEach(function (p) {
        addUnique(out.obligations, p.rule.obligations || []);
      });
      return out;
    }
    if (has(applies, "permitted")) {
      out = outcome("permitted", cites(applies.permitted));
      applies.permitted.forEach(function (p) { addUnique(out.obligations, p.rule.obligations || []); });
      return out;
    }
    if (has(maybe, "permitted")) {
      out = outcome("conditional", cites(maybe.permitted));
      maybe.permitted.forEach(function (p) {
        addUnique(out.missing, missingFacts(p.when, facts));
        addUnique(out.conditions, ["permitted if " + describe(p.when)]);
        addUnique(out.obligations, p.rule.obligations || []);
      });
      return out;
    }
    var silent = get(applies, "silent").concat(get(maybe, "silent"));
    out = outcome("silent", cites(silent));
    silent.forEach(function (s) { if (s.rule.note) out.notes.push(s.rule.note); });
    return out;
  }

  /* tos_kb.engine.evaluate_version */
  function evaluateVersion(compiled, facts) {
    var applies = {};
    var maybe = {};
    compiled.rules.forEach(function (c) {
      var truth = c.when === null ? true : evaluate(c.when, facts);
      if (truth === true) push(applies, c.rule.verdict, c);
      else if (truth === null) push(maybe, c.rule.verdict, c);
    });
    var out = fromRules(applies, maybe, facts);
    var speaks = compiled.rules.some(function (c) { return c.rule.verdict !== "silent"; });
    for (var i = 0; i < compiled.preconditions.length; i++) {
      var pre = compiled.preconditions[i];
      var truth = evaluate(pre.unless, facts);
      if (truth === false && speaks) {
        out = outcome("prohibited", [pre.citation]);
        out.notes = ["rights withheld: " + describe(pre.unless) + " does not hold"];
        break;
      }
      if (truth === null && (out.verdict === "permitted" || out.verdict === "conditional")) {
        out.verdict = "conditional";
        out.citations.push(pre.citation);
        addUnique(out.missing, missingFacts(pre.unless, facts));
        addUnique(out.conditions, ["rights are withheld unless " + describe(pre.unless)]);
      }
    }
    return out;
  }

  function combine(outcomes) {
    var best = "silent";
    outcomes.forEach(function (o) { if (RANK[o.verdict] > RANK[best]) best = o.verdict; });
    return best;
  }

  /* tos_kb.kb._scope_conditional */
  function scopeConditional(out, when, document, facts) {
    if (out.verdict === "prohibited") {
      out.verdict = "conditional";
      addUnique(out.conditions, ["prohibited by " + document + " if " + describe(when)]);
    } else if (out.verdict === "permitted" || out.verdict === "conditional") {
      out.verdict = "conditional";
      addUnique(out.conditions, [document + " applies if " + describe(when)]);
    }
    addUnique(out.missing, missingFacts(when, facts));
  }

  /* tos_kb.timeline.DocumentTimeline.at */
  Engine.prototype.at = function (documentId, day) {
    var doc = has(this.data.documents, documentId) ? this.data.documents[documentId] : null;
    var placed = doc ? doc.timeline : [];
    if (!placed.length) {
      var undated = doc ? doc.undated : [];
      if (undated.length !== 1) return null;
      return { key: undated[0], start: "0001-01-01", end: null, exact: false,
               caveat: undated[0] + " is undated; it applies over the range its subject gives" };
    }
    var index = -1;
    for (var i = placed.length - 1; i >= 0; i--) {
      if (placed[i].start <= day) { index = i; break; }
    }
    if (index < 0) return null;
    var found = placed[index];
    return found.start <= day && (found.end === null || day < found.end) ? found : null;
  };

  /* tos_kb.kb.KnowledgeBase._either_side */
  Engine.prototype.eitherSide = function (documentId, day, action, facts) {
    var doc = has(this.data.documents, documentId) ? this.data.documents[documentId] : null;
    var placed = doc ? doc.timeline : [];
    var before = null, after = null;
    for (var i = 0; i < placed.length; i++) {
      if (placed[i].start <= day) before = placed[i];
      else if (after === null) after = placed[i];
    }
    var self = this;
    var said = [before, after].filter(function (p) { return p !== null; }).map(function (p) {
      return p.key + " " + evaluateVersion(self.compiled(p.key, action), facts).verdict;
    });
    return said.length ? "; the archived versions on either side say: " + said.join(", ") : "";
  };

  Engine.prototype.resolveSubject = function (name) {
    if (!has(this.data.names, name)) {
      throw new AskError("unknown subject '" + name + "'");
    }
    return this.data.names[name];
  };

  /* tos_kb.kb.KnowledgeBase._check_facts (the form gives typed values). */
  Engine.prototype.checkFacts = function (facts) {
    var clean = {};
    var defs = this.data.facts;
    var self = this;
    Object.keys(facts || {}).forEach(function (name) {
      if (!has(defs, name)) throw new AskError("unknown fact '" + name + "'");
      var value = facts[name];
      if (value === null || value === undefined) return;
      var kind = defs[name].type;
      if (kind === "boolean" && typeof value !== "boolean") {
        throw new AskError("fact '" + name + "' takes true or false");
      }
      if (kind === "integer" && (typeof value !== "number" || !isFinite(value))) {
        throw new AskError("fact '" + name + "' takes a number");
      }
      if (kind === "enum" && (defs[name].values || []).indexOf(value) < 0) {
        throw new AskError("fact '" + name + "' takes one of " + (defs[name].values || []).join(", "));
      }
      if (kind === "string" || kind === "subject") {
        if (typeof value !== "string") throw new AskError("fact '" + name + "' takes text");
        if (kind === "subject" && has(self.data.names, value)) value = self.data.names[value];
      }
      clean[name] = value;
    });
    return clean;
  };

  /* tos_kb.kb.KnowledgeBase._decide */
  Engine.prototype.decide = function (subjectId, action, day, facts) {
    var self = this;
    var decision = {
      subject: subjectId, action: action, on: day, facts: Object.assign({}, facts),
      verdict: "unknown", citations: [], obligations: [], missing_facts: [], conditions: [],
      caveats: [], reasons: [], consulted: [], branches: [],
      release: (this.data.archive && this.data.archive.release) || null,
      unknown_reason: null
    };
    var outcomes = [];
    var gaps = [];
    this.data.subjects[subjectId].governed_by.forEach(function (gov) {
      if (day < gov.from || (gov.until && day >= gov.until)) return;
      var scope = true;
      var when = self.cond(gov.when);
      if (when !== null) {
        scope = evaluate(when, facts);
        if (scope === false) return;
      }
      if (gov.uncertainty) {
        decision.caveats.push(gov.document + " governs " + subjectId + " from " + gov.from +
                              ": " + gov.uncertainty);
      }
      var placed = self.at(gov.document, day);
      if (placed === null) {
        if (scope === true) gaps.push(gov.document);
        decision.reasons.push(gov.document + " governs " + subjectId + " on " + day +
                              (scope ? "" : " if " + describe(when)) +
                              " but no version of it in force then is archived" +
                              self.eitherSide(gov.document, day, action, facts));
        return;
      }
      decision.consulted.push(placed.key);
      if (placed.caveat) decision.caveats.push(placed.caveat);
      // tos_kb.records.models.Erratum.caveat
      (self.data.versions[placed.key].errata || []).forEach(function (e) {
        decision.caveats.push(placed.key + ": the archived " + (e.corrects || "text.txt") +
                              " was corrected on " + e.date + " by " + e.file + " (" + e.reason + ")");
      });
      // tos_kb.answer.index.Index.unarchived_since
      (self.data.documents[gov.document].not_obtained || []).forEach(function (m) {
        if (m.effective === "unknown") return;
        var start = m.effective.length === 7 ? m.effective + "-01" : m.effective;
        if (start > placed.start && start <= day) {
          decision.caveats.push(gov.document + ": a version effective " + m.effective +
                                " is reported (" + m.source + ") but not archived; this answer rests on " +
                                placed.key);
        }
      });
      // tos_kb.answer.index.Index.beyond_horizon
      var seen = self.data.documents[gov.document].horizon;
      if (seen && day > seen) {
        decision.caveats.push("the archive last saw " + gov.document + " on " + seen +
                              "; later changes are not archived");
      }
      var out = evaluateVersion(self.compiled(placed.key, action), facts);
      if (scope === null && out.verdict !== "silent") {
        scopeConditional(out, when, gov.document, facts);
      }
      outcomes.push({ gov: gov, placed: placed, outcome: out });
    });
    if (!outcomes.length && !gaps.length) {
      decision.reasons.push("no document governs " + subjectId + " on " + day + " in this archive");
      decision.unknown_reason = "no-version-in-force";
      return decision;
    }
    var verdict = combine(outcomes.map(function (o) { return o.outcome; }));
    outcomes.forEach(function (o) {
      decision.reasons.push(o.placed.key + " (" + o.gov.role + "): " + o.outcome.verdict +
                            (o.outcome.notes.length ? " \u2014 " + o.outcome.notes[0] : ""));
    });
    if (gaps.length && verdict !== "prohibited") {
      decision.verdict = "unknown";
      decision.reasons.push(
        "unknown: a governing document has no archived version in force on that date");
      decision.unknown_reason = self.whyUnknown(day, outcomes, gaps);
      return decision;
    }
    decision.verdict = verdict === "silent" ? "unknown" : verdict;
    if (verdict === "silent") {
      decision.reasons.push("unknown: the governing documents in force are silent on " +
                            "this action, and silence is not permission");
      decision.unknown_reason = self.whyUnknown(day, outcomes, gaps);
      return decision;
    }
    outcomes.forEach(function (o) {
      var out = o.outcome;
      if (out.verdict === verdict) {
        decision.citations = decision.citations.concat(out.citations);
        addUnique(decision.missing_facts, out.missing);
        addUnique(decision.conditions, out.conditions);
      }
      if (verdict !== "prohibited" && (out.verdict === "permitted" || out.verdict === "conditional")) {
        addUnique(decision.obligations, out.obligations);
      }
    });
    return decision;
  };

  /* tos_kb.answer.decide._why_unknown */
  Engine.prototype.whyUnknown = function (day, outcomes, gaps) {
    var self = this;
    if (gaps.length) {
      var between = gaps.some(function (document) {
        var placed = self.data.documents[document].timeline;
        return placed.some(function (p) { return p.start <= day; }) &&
               placed.some(function (p) { return p.start > day; });
      });
      return between ? "gap-between-versions" : "no-version-in-force";
    }
    var excerpts = outcomes.some(function (o) {
      return self.data.versions[o.placed.key].coverage === "excerpt";
    });
    return excerpts ? "excerpt-does-not-cover" : "silent";
  };

  /* tos_kb.kb.KnowledgeBase.conditions_for (on one day) */
  Engine.prototype.conditionsFor = function (subjectId, action, day) {
    var self = this;
    var found = [];
    this.data.subjects[subjectId].governed_by.forEach(function (gov) {
      var when = self.cond(gov.when);
      if (when !== null) found.push(when);
      var placed = self.at(gov.document, day);
      if (placed === null) return;
      var compiled = self.compiled(placed.key, action);
      compiled.rules.forEach(function (c) { if (c.when !== null) found.push(c.when); });
      compiled.preconditions.forEach(function (p) { found.push(p.unless); });
    });
    return found;
  };

  var MAX_BRANCHES = 256;

  /* tos_kb.kb.KnowledgeBase._choices */
  Engine.prototype.choices = function (subjectId, action, day, missing) {
    var self = this;
    var mentioned = this.conditionsFor(subjectId, action, day);
    return missing.map(function (name) {
      return relevantValues(self.data.facts[name], name, mentioned).map(function (pair) {
        return [name, pair[0], pair[1]];
      });
    });
  };

  /* tos_kb.kb.KnowledgeBase._assume: decisions for every combination of the given values */
  Engine.prototype.assume = function (subjectId, action, day, facts, choices) {
    var self = this;
    var combos = [[]];
    choices.forEach(function (options) {
      var next = [];
      combos.forEach(function (combo) {
        options.forEach(function (option) { next.push(combo.concat([option])); });
      });
      combos = next;
    });
    return combos.slice(0, MAX_BRANCHES).map(function (combo) {
      var assumed = Object.assign({}, facts);
      combo.forEach(function (c) { assumed[c[0]] = c[1]; });
      return [combo, self.decide(subjectId, action, day, assumed)];
    });
  };

  function answerKey(decision) {
    return JSON.stringify([decision.verdict, decision.obligations]);
  }

  /* tos_kb.kb._relevant: missing facts whose value changes the answer, others held fixed */
  function relevantFacts(missing, tried) {
    return missing.filter(function (name, index) {
      var answers = {};
      return tried.some(function (pair) {
        var others = JSON.stringify(pair[0].filter(function (c, i) { return i !== index; })
          .map(function (c) { return c[1]; }));
        var key = answerKey(pair[1]);
        if (!has(answers, others)) { answers[others] = key; return false; }
        return answers[others] !== key;
      });
    });
  }

  /* tos_kb.answer.decide._cases: a partition of every combination of the shown facts */
  function cases(choices, tried) {
    var rows = tried.map(function (pair) {
      var given = {};
      pair[0].forEach(function (c) { given[c[0]] = c[1]; });
      return [given, pair[1]];
    });
    return split(choices, rows).map(function (c) {
      return { assumption: c[0].join(" and ") || "whatever the facts", verdict: c[1],
               obligations: c[2], conditions: c[3] };
    });
  }

  /* tos_kb.answer.decide._split */
  function split(choices, rows) {
    var keys = [];
    rows.forEach(function (row) {
      var key = answerKey(row[1]);
      if (keys.indexOf(key) < 0) keys.push(key);
    });
    if (keys.length === 1) {
      var d = rows[0][1];
      var outside = [];
      if (d.verdict === "conditional") {
        rows.forEach(function (row) { addUnique(outside, row[1].conditions); });
      }
      return [[[], d.verdict, d.obligations.slice(), outside]];
    }
    for (var index = 0; index < choices.length; index++) {
      var rest = choices.slice(0, index).concat(choices.slice(index + 1));
      var under = choices[index].map(function (option) {
        var name = option[0];
        var value = option[1];
        var matching = rows.filter(function (row) {
          return !has(row[0], name) || same(row[0][name], value);
        });
        return [name, value, option[2], split(rest, matching)];
      });
      var first = JSON.stringify(under[0][3]);
      if (under.every(function (u) { return JSON.stringify(u[3]) === first; })) continue;
      var out = [];
      grouped(under).forEach(function (group) {
        group[1].forEach(function (c) {
          out.push([[group[0]].concat(c[0]), c[1], c[2], c[3]]);
        });
      });
      return out;
    }
    return [[[], "conditional", [], []]];
  }

  /* tos_kb.answer.decide._grouped */
  function grouped(under) {
    var groups = [];
    under.forEach(function (u) {
      var key = JSON.stringify(u[3]);
      var found = groups.filter(function (g) { return g[2] === key; })[0];
      if (found) found[0].push(u);
      else groups.push([[u], u[3], key]);
    });
    return groups.map(function (g) { return [groupLabel(g[0]), g[1]]; });
  }

  /* tos_kb.answer.decide._group_label */
  function groupLabel(members) {
    if (members.length === 1) return members[0][2];
    var name = members[0][0];
    var named = members.every(function (m) { return m[2] === name + " = " + m[1]; });
    if (named) {
      return name + " is one of " + members.map(function (m) { return String(m[1]); }).join(", ");
    }
    return members.map(function (m) { return m[2]; }).join(" or ");
  }

  function sameCitation(a, b) {
    var ka = Object.keys(a);
    var kb = Object.keys(b);
    return ka.length === kb.length && ka.every(function (k) { return has(b, k) && a[k] === b[k]; });
  }

  /* tos_kb.kb.KnowledgeBase._settle: a conditional answer whose every branch agrees */
  Engine.prototype.settle = function (subjectId, action, day, facts, decision, choices) {
    var total = 1;
    choices.forEach(function (options) { total *= options.length; });
    if (!choices.length || total > MAX_BRANCHES) return [decision, []];
    var outcomes = this.assume(subjectId, action, day, facts, choices);
    var keys = [];
    outcomes.forEach(function (pair) {
      var key = answerKey(pair[1]);
      if (keys.indexOf(key) < 0) keys.push(key);
    });
    if (keys.length !== 1) return [decision, outcomes];
    var verdict = outcomes[0][1].verdict;
    if (verdict === "conditional" || verdict === "unknown") return [decision, outcomes];
    var settled = outcomes[0][1];
    settled.facts = Object.assign({}, facts);
    outcomes.slice(1).forEach(function (pair) {
      pair[1].citations.forEach(function (c) {
        if (!settled.citations.some(function (x) { return sameCitation(x, c); })) {
          settled.citations.push(c);
        }
      });
    });
    settled.reasons.push(verdict + " whatever the value of " + decision.missing_facts.join(", ") +
                         ": every case was checked");
    return [settled, []];
  };

  function isDay(text) {
    if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    var parsed = new Date(text + "T00:00:00Z");
    return !isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
  }

  /* tos_kb.kb.KnowledgeBase.ask, answered as Decision.to_dict() */
  Engine.prototype.ask = function (subject, action, on, facts) {
    var subjectId = this.resolveSubject(subject);
    if (!has(this.data.actions, action)) throw new AskError("unknown action '" + action + "'");
    if (!isDay(on)) {
      throw new AskError("'on' must be a date written YYYY-MM-DD, found '" + on + "'");
    }
    var clean = this.checkFacts(facts || {});
    var decision = this.decide(subjectId, action, on, clean);
    if (decision.verdict === "conditional") {
      var choices = this.choices(subjectId, action, on, decision.missing_facts);
      var settled = this.settle(subjectId, action, on, clean, decision, choices);
      decision = settled[0];
      var tried = settled[1];
      if (decision.verdict === "conditional" && tried.length) {
        var relevant = relevantFacts(decision.missing_facts, tried);
        decision.missing_facts = relevant;
        choices = choices.filter(function (c) { return relevant.indexOf(c[0][0]) >= 0; });
      }
      if (decision.verdict === "conditional" && choices.length) {
        var shown = tried.length ? choices : choices.slice(0, 2);
        if (!tried.length) tried = this.assume(subjectId, action, on, clean, shown);
        decision.branches = cases(shown, tried);
      }
    }
    return decision;
  };

  return {
    Engine: Engine,
    AskError: AskError,
    parse: parse,
    evaluate: evaluate,
    describe: describe,
    relevantValues: relevantValues
  };
});
