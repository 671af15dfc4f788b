/*
 * tos-kb engine in JavaScript: answers (subject, action, date, facts) from the
 * JSON export exactly as tos_kb.KnowledgeBase.ask does in Python.
 *
 * It only EVALUATES. Everything that does not depend on the question was
 * compiled by Python into the export's "compiled" key (tos_kb/sitegen/compiled.py):
 * each version's rules per action with parent actions resolved, citations,
 * descriptions of conditions, caveats, timelines and the values each missing
 * fact is tried with. What is left is the algorithm, one function per Python
 * function, each naming the one it mirrors:
 *   tos_kb/records/conditions.py  three-valued evaluation, missing facts
 *   tos_kb/records/facts.py       accepting a fact value
 *   tos_kb/records/timeline.py    the version in force on a day
 *   tos_kb/answer/index.py        names, facts, governing ranges, caveats by day
 *   tos_kb/answer/evaluate.py     one version's outcome, the combination
 *   tos_kb/answer/decide.py       ask, decide, settling and cases
 * A parity test (tests/test_site_engine.py) compares whole answers with
 * Python's; change both together.
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

  var FORMAT_VERSION = 3;
  var MAX_BRANCHES = 256;
  var RANK = { silent: 0, permitted: 1, conditional: 2, prohibited: 3 };

  function has(obj, key) {
    return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
  }

  function AskError(message) {
    this.name = "AskError";
    this.message = message;
  }
  AskError.prototype = Object.create(Error.prototype);

  /* The last of [[from, value], ...] whose from (null: the beginning) is on or before day. */
  function stepAt(steps, day) {
    var found = null;
    for (var i = 0; i < steps.length && (steps[i][0] === null || steps[i][0] <= day); i++) {
      found = steps[i][1];
    }
    return found;
  }

  /* A value as Python's repr() writes it (for messages). */
  function pyRepr(value) {
    if (value === true) return "True";
    if (value === false) return "False";
    if (value === null || value === undefined) return "None";
    if (typeof value !== "string") return String(value);
    var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
    var body = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t");
    if (quote === "'") body = body.replace(/'/g, "\\'");
    return quote + body + quote;
  }

  // --- tos_kb/records/conditions.py ------------------------------------------------------

  /* Test.evaluate, All.evaluate, Any_.evaluate, Not.evaluate (true, false or null: unknown) */
  function evaluate(tree, facts) {
    var result, i, v;
    if (has(tree, "fact")) {
      if (!has(facts, tree.fact) || facts[tree.fact] === null) return null;
      v = facts[tree.fact];
      switch (tree.op) {
        case "eq": return v === tree.value;
        case "ne": return v !== tree.value;
        case "in": return tree.value.indexOf(v) >= 0;
        case "not_in": return tree.value.indexOf(v) < 0;
        case "lt": return v < tree.value;
        case "lte": return v <= tree.value;
        case "gt": return v > tree.value;
        case "gte": return v >= tree.value;
      }
      throw new Error("unknown operator " + tree.op);
    }
    if (has(tree, "all")) {
      result = true;
      for (i = 0; i < tree.all.length; i++) {
        v = evaluate(tree.all[i], facts);
        if (v === false) return false;
        if (v === null) result = null;
      }
      return result;
    }
    if (has(tree, "any")) {
      result = false;
      for (i = 0; i < tree.any.length; i++) {
        v = evaluate(tree.any[i], facts);
        if (v === true) return true;
        if (v === null) result = null;
      }
      return result;
    }
    v = evaluate(tree.not, facts);
    return v === null ? null : !v;
  }

  /* missing_facts (the condition's facts_named are compiled) */
  function missingFacts(condition, facts) {
    return condition.facts.filter(function (f) { return !has(facts, f) || facts[f] === null; });
  }

  // --- tos_kb/records/facts.py -------------------------------------------------------------

  /* accepts (spec.max: the largest absolute value or length, compiled) */
  function accepts(spec, value) {
    if (spec.type === "boolean") return typeof value === "boolean";
    if (spec.type === "integer") {
      return typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= spec.max;
    }
    if (spec.type === "enum") return typeof value === "string" && spec.values.indexOf(value) >= 0;
    return typeof value === "string" && Array.from(value).length <= spec.max;
  }

  /* check_value (a JS number is an int when it is whole, as Python's float.is_integer()) */
  function checkValue(spec, value) {
    if (!accepts(spec, value)) throw new AskError(wrongType(spec, value));
    return value;
  }

  /* wrong_type (the words around the value are compiled) */
  function wrongType(spec, found) {
    return spec.wrong_type[0] + pyRepr(found) + spec.wrong_type[1];
  }

  // --- tos_kb/records/timeline.py ----------------------------------------------------------

  /* Interval.contains */
  function contains(range, day) {
    return range.start <= day && (range.end === null || day < range.end);
  }

  /* DocumentTimeline.at (and _only_undated, compiled) */
  function at(doc, day) {
    if (!doc.placed.length) return doc.undated_only;
    var index = -1;
    while (index + 1 < doc.placed.length && doc.placed[index + 1].start <= day) index++;
    if (index < 0) return null;
    var found = doc.placed[index];
    return contains(found, day) ? found : null;
  }

  // --- tos_kb/answer/evaluate.py ---------------------------------------------------------

  function outcome(verdict, citations, notes) {
    return { verdict: verdict, citations: citations || [], obligations: [], missing: [],
             conditions: [], notes: notes || [] };
  }

  /* CompiledRule.cited: a rule's (or precondition's) citation, then its further quotes */
  function cited(rule) {
    return [rule.citation].concat((rule.see || []).map(function (s) { return s.citation; }));
  }

  /* _cite: the rules' citations in order, each followed by its further quotes, each once */
  function citationsOf(rules) {
    var out = [];
    rules.forEach(function (r) { mergeCitations(out, cited(r)); });
    return out;
  }

  function get(map, key) {
    return has(map, key) ? map[key] : [];
  }

  /* _add_unique (and decide._merge) */
  function merge(target, items) {
    for (var i = 0; i < items.length; i++) {
      if (target.indexOf(items[i]) < 0) target.push(items[i]);
    }
  }

  /* CompiledVersion.outcome: the rules and preconditions compiled for the action, evaluated */
  function versionOutcome(version, action, facts) {
    var rules = get(version.rules_of, action).map(function (i) { return version.rules[i]; });
    var pres = get(version.preconditions_of, action).map(function (i) {
      return version.preconditions[i];
    });
    return evaluateVersion(rules, pres, facts);
  }

  /* evaluate_version */
  function evaluateVersion(rules, preconditions, facts) {
    var applies = {};
    var maybe = {};
    rules.forEach(function (rule) {
      var truth = rule.when === undefined ? true : evaluate(rule.when.tree, facts);
      var into = truth === true ? applies : truth === null ? maybe : null;
      if (into === null) return;
      if (!has(into, rule.verdict)) into[rule.verdict] = [];
      into[rule.verdict].push(rule);
    });
    var out = fromRules(applies, maybe, facts);
    var speaks = rules.some(function (r) { return r.verdict !== "silent"; });
    for (var i = 0; i < preconditions.length; i++) {
      var pre = preconditions[i];
      var truth = evaluate(pre.unless.tree, facts);
      if (truth === false && speaks) {
        return outcome("prohibited", cited(pre),
                       ["rights withheld: " + pre.unless.text + " does not hold"]);
      }
      if (truth === null && (out.verdict === "permitted" || out.verdict === "conditional")) {
        out.verdict = "conditional";
        out.citations = out.citations.concat(cited(pre));
        merge(out.missing, missingFacts(pre.unless, facts));
        merge(out.conditions, ["rights are withheld unless " + pre.unless.text]);
      }
    }
    return out;
  }

  /* _from_rules */
  function fromRules(applies, maybe, facts) {
    var out;
    if (has(applies, "prohibited")) return outcome("prohibited", citationsOf(applies.prohibited));
    var open = get(maybe, "prohibited").concat(get(applies, "conditional"),
                                               get(maybe, "conditional"));
    if (open.length) {
      out = outcome("conditional", citationsOf(open));
      open.forEach(function (c) {
        if (c.when !== undefined) {
          merge(out.missing, missingFacts(c.when, facts));
          if (c.verdict === "prohibited") merge(out.conditions, ["prohibited if " + c.when.text]);
        }
        if (c.condition) merge(out.conditions, [c.condition]);
      });
      var permits = get(applies, "permitted").concat(get(maybe, "permitted"));
      out.citations = out.citations.concat(citationsOf(permits));
      permits.concat(get(applies, "conditional"), get(maybe, "conditional")).forEach(function (c) {
        merge(out.obligations, c.obligations || []);
      });
      return out;
    }
    if (has(applies, "permitted")) {
      out = outcome("permitted", citationsOf(applies.permitted));
      applies.permitted.forEach(function (c) { merge(out.obligations, c.obligations || []); });
      return out;
    }
    if (has(maybe, "permitted")) {
      out = outcome("conditional", citationsOf(maybe.permitted));
      maybe.permitted.forEach(function (c) {
        merge(out.missing, missingFacts(c.when, facts));
        merge(out.conditions, ["permitted if " + c.when.text]);
        merge(out.obligations, c.obligations || []);
      });
      return out;
    }
    var silent = get(applies, "silent").concat(get(maybe, "silent"));
    out = outcome("silent", citationsOf(silent), silent.filter(function (c) {
      return c.citation.note;  // the rule's note (compiled into its citation)
    }).map(function (c) { return c.citation.note; }));
    var complete = silent.filter(function (c) { return c.complete; })
      .map(function (c) { return c.complete; });
    out.complete = silent.length && complete.length === silent.length ? complete : [];
    return out;
  }

  /* excerpt_gap: an excerpt silent on the action, without a reason its silence is complete */
  function excerptGap(out, coverage) {
    return coverage === "excerpt" && out.verdict === "silent" && !(out.complete || []).length;
  }

  /* combine */
  function combine(outcomes) {
    var best = "silent";
    outcomes.forEach(function (o) { if (RANK[o.verdict] > RANK[best]) best = o.verdict; });
    return best;
  }

  /* to_verdict */
  function toVerdict(verdict) {
    return verdict === "silent" ? "unknown" : verdict;
  }

  // --- tos_kb/answer/index.py --------------------------------------------------------------

  /* Index: the compiled archive of the export */
  function Engine(data) {
    if (!data || data.format !== "tos-kb-export" || data.format_version !== FORMAT_VERSION) {
      throw new AskError("not a tos-kb export (format version " + FORMAT_VERSION + ")");
    }
    this.data = data;
    this.compiled = data.compiled;
  }

  /* normal_name */
  function normalName(name) {
    return name.normalize("NFKC").toLowerCase().replace(/[\t\n\v\f\r _-]+/g, "");
  }

  /* Index.find_subject (compiled.names: the normal_table) */
  Engine.prototype.findSubject = function (name) {
    if (has(this.data.names, name)) return this.data.names[name];
    var key = normalName(name);
    return has(this.compiled.names, key) ? this.compiled.names[key] : null;
  };

  /* Index.resolve_subject */
  Engine.prototype.resolveSubject = function (name) {
    var found = typeof name === "string" ? this.findSubject(name) : null;
    if (found === null) throw new AskError("unknown subject '" + name + "'");
    return found;
  };

  /* Index.check_action */
  Engine.prototype.checkAction = function (action) {
    if (!has(this.data.actions, action)) throw new AskError("unknown action '" + action + "'");
  };

  /* Index.read_facts (with read_as and not_a_subject) */
  Engine.prototype.readFacts = function (facts) {
    var clean = {}, notes = [], self = this;
    var specs = this.compiled.facts;
    Object.keys(facts).forEach(function (name) {
      if (!has(specs, name)) throw new AskError("unknown fact '" + name + "'");
      var spec = specs[name], value = facts[name];
      if (value === null || value === undefined) return;
      if (spec.readings && typeof value === "string" && has(spec.readings, normalName(value))) {
        var reading = spec.readings[normalName(value)];
        if (reading[1] !== null) {
          notes.push(name + " " + pyRepr(value) + " read as " + pyRepr(reading[0]) + ": " + reading[1]);
        }
        value = reading[0];
      }
      value = checkValue(spec, value);
      if (spec.type === "subject") {
        var found = self.findSubject(value);
        if (found === null) notes.push(pyRepr(value) + " is not a subject here: answered as another model");
        value = found === null ? value : found;
      }
      clean[name] = value;
    });
    return [clean, notes];
  };

  /* Index.documents_on */
  Engine.prototype.documentsOn = function (subjectId, day) {
    return this.compiled.subjects[subjectId].governance.filter(function (gov) {
      return contains(gov, day);
    });
  };

  /* Index.unarchived_since (compiled per placed version, by day) */
  function unarchivedSince(placed, day) {
    return placed.unarchived ? stepAt(placed.unarchived, day) : [];
  }

  /* Index.beyond_horizon */
  Engine.prototype.beyondHorizon = function (document, day) {
    var horizon = this.compiled.documents[document].horizon;
    return horizon === null || day <= horizon.day ? null : horizon.caveat;
  };

  /* Index.between_versions */
  Engine.prototype.betweenVersions = function (document, day) {
    var placed = this.compiled.documents[document].placed;
    return placed.some(function (p) { return p.start <= day; }) &&
           placed.some(function (p) { return p.start > day; });
  };

  // --- tos_kb/answer/decide.py -------------------------------------------------------------

  /* parse_on (for text; Python also takes date objects) */
  function parseOn(on) {
    if (typeof on !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(on)) {
      throw new AskError("'on' must be a date written YYYY-MM-DD, found " + pyRepr(on));
    }
    var parsed = new Date(on + "T00:00:00Z");
    if (isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== on) {
      throw new AskError("'on': " + pyRepr(on) + " is not a real calendar date");
    }
    return on;
  }

  /* ask, answered as Decision.to_dict() */
  Engine.prototype.ask = function (subject, action, on, facts) {
    var subjectId = this.resolveSubject(subject);
    this.checkAction(action);
    var day = parseOn(on);
    var read = this.readFacts(facts || {});
    var decision = this.settle(subjectId, action, day, read[0]);
    decision.reasons = read[1].concat(decision.reasons);
    return decision;
  };

  /* settle */
  Engine.prototype.settle = function (subjectId, action, day, given) {
    var decision = this.decide(subjectId, action, day, given);
    if (decision.verdict !== "conditional") return decision;
    var choices = this.choices(subjectId, action, day, decision.missing_facts);
    var settled = this.settleCases(subjectId, action, day, given, decision, choices);
    decision = settled[0];
    var tried = settled[1];
    if (decision.verdict === "conditional" && tried.length) {
      var relevant = relevantFacts(decision.missing_facts, tried);
      decision.missing_facts = relevant;
      choices = choices.filter(function (c) { return relevant.indexOf(c[0][0]) >= 0; });
    }
    if (decision.verdict === "conditional" && choices.length) {
      var shown = tried.length ? choices : choices.slice(0, 2);
      if (!tried.length) tried = this.assume(subjectId, action, day, given, shown);
      decision.branches = cases(shown, tried);
    }
    return decision;
  };

  /* decide */
  Engine.prototype.decide = function (subjectId, action, day, facts) {
    var self = this;
    var decision = {
      subject: subjectId, action: action, on: day, facts: Object.assign({}, facts),
      verdict: "unknown", citations: [], obligations: [], missing_facts: [], conditions: [],
      caveats: [], reasons: [], consulted: [], branches: [],
      release: this.data.archive.release, unknown_reason: null
    };
    var outcomes = [];
    var gaps = [];
    var unshown = [];  // governing excerpts silent on the action: gaps too
    this.documentsOn(subjectId, day).forEach(function (gov) {
      var scope = gov.when === undefined ? true : evaluate(gov.when.tree, facts);
      if (scope === false) return;
      if (gov.caveat) decision.caveats.push(gov.caveat);
      var doc = self.compiled.documents[gov.document];
      var placed = at(doc, day);
      if (placed === null) {
        if (scope === true) gaps.push(gov.document);
        decision.reasons.push(
          gov.document + " governs " + subjectId + " on " + day +
          (gov.when !== undefined && !scope ? " if " + gov.when.text : "") +
          " but no version of it in force then is archived" +
          self.eitherSide(doc, day, action, facts));
        return;
      }
      decision.consulted.push(placed.key);
      if (placed.caveat) decision.caveats.push(placed.caveat);
      var version = self.compiled.versions[placed.key];
      decision.caveats.push.apply(decision.caveats, version.caveats);
      decision.caveats.push.apply(decision.caveats, unarchivedSince(placed, day));
      var horizon = self.beyondHorizon(gov.document, day);
      if (horizon) decision.caveats.push(horizon);
      var out = versionOutcome(version, action, facts);
      if (scope === null && out.verdict !== "silent") {
        out = scopeConditional(out, gov.when, gov.document, facts);
      }
      if (scope === true && excerptGap(out, version.coverage)) unshown.push(gov.document);
      outcomes.push({ gov: gov, placed: placed, outcome: out });
    });
    if (!outcomes.length && !gaps.length) {
      decision.reasons.push("no document governs " + subjectId + " on " + day + " in this archive");
      decision.unknown_reason = "no-version-in-force";
      return decision;
    }
    combineInto(decision, outcomes, gaps, unshown);
    if (decision.verdict === "unknown") {
      decision.unknown_reason = this.whyUnknown(day, outcomes, gaps);
    }
    return decision;
  };

  /* _why_unknown */
  Engine.prototype.whyUnknown = function (day, outcomes, gaps) {
    var self = this;
    if (gaps.length) {
      var between = gaps.some(function (document) { return self.betweenVersions(document, day); });
      return between ? "gap-between-versions" : "no-version-in-force";
    }
    var excerpts = outcomes.some(function (o) {
      return excerptGap(o.outcome, self.compiled.versions[o.placed.key].coverage);
    });
    return excerpts ? "excerpt-does-not-cover" : "silent";
  };

  /* _may_be_prohibited: a conditional answer turning on missing facts (cases are tried) */
  function mayBeProhibited(verdict, outcomes) {
    return verdict === "conditional" && outcomes.some(function (o) {
      return o.outcome.verdict === "conditional" && o.outcome.missing.length > 0;
    });
  }

  /* _combine_into */
  function combineInto(decision, outcomes, gaps, unshown) {
    var verdict = combine(outcomes.map(function (o) { return o.outcome; }));
    outcomes.forEach(function (o) {
      var complete = o.outcome.complete || [];
      decision.reasons.push(o.placed.key + " (" + o.gov.role + "): " + o.outcome.verdict +
                            (o.outcome.notes.length ? " \u2014 " + o.outcome.notes[0] : "") +
                            (complete.length ? " \u2014 complete excerpt: " + complete[0] : ""));
    });
    if ((gaps.length || unshown.length) && verdict !== "prohibited") {
      var why = gaps.length
        ? ["a governing document has no archived version in force on that date"] : [];
      if (unshown.length) {
        why.push("the archived excerpt of " + unshown.join(", ") + " in force does not show " +
                 "what its full text says of this action, and silence is not permission");
      }
      if (!mayBeProhibited(verdict, outcomes)) {
        decision.verdict = "unknown";
        why.forEach(function (w) { decision.reasons.push("unknown: " + w); });
        return;
      }
      // Facts not given may make a prohibition apply: settling tries each case.
      why.forEach(function (w) {
        decision.reasons.push("unknown unless the facts make it prohibited: " + w);
      });
    }
    decision.verdict = toVerdict(verdict);
    if (verdict === "silent") {
      decision.reasons.push("unknown: the governing documents in force are silent on " +
                            "this action, and silence is not permission");
      return;
    }
    outcomes.forEach(function (o) {
      var out = o.outcome;
      if (out.verdict === verdict) {
        decision.citations = decision.citations.concat(out.citations);
        merge(decision.missing_facts, out.missing);
        merge(decision.conditions, out.conditions);
      }
      if (verdict !== "prohibited" && (out.verdict === "permitted" || out.verdict === "conditional")) {
        merge(decision.obligations, out.obligations);
      }
    });
  }

  /* _either_side */
  Engine.prototype.eitherSide = function (doc, day, action, facts) {
    var self = this;
    var before = doc.placed.filter(function (p) { return p.start <= day; });
    var after = doc.placed.filter(function (p) { return p.start > day; });
    var sides = [before.length ? before[before.length - 1] : null, after.length ? after[0] : null]
      .filter(function (p) { return p !== null; });
    if (!sides.length) return "";
    var said = sides.map(function (p) {
      return p.key + " " + versionOutcome(self.compiled.versions[p.key], action, facts).verdict;
    });
    return "; the archived versions on either side say: " + said.join(", ");
  };

  /* _choices (the relevant values of each fact on each day are compiled) */
  Engine.prototype.choices = function (subjectId, action, day, missing) {
    var spaces = this.compiled.subjects[subjectId].fact_spaces;
    var chosen = stepAt(spaces.steps, day);
    var space = has(chosen, action) ? spaces.spaces[chosen[action]] : {};
    return missing.map(function (name) {
      if (!has(space, name)) throw new Error("no compiled values for fact " + name);
      return space[name].map(function (pair) { return [name, pair[0], pair[1]]; });
    });
  };

  /* itertools.product */
  function product(choices) {
    var combos = [[]];
    choices.forEach(function (options) {
      var next = [];
      combos.forEach(function (combo) {
        options.forEach(function (option) { next.push(combo.concat([option])); });
      });
      combos = next;
    });
    return combos;
  }

  /* _assume */
  Engine.prototype.assume = function (subjectId, action, day, facts, choices) {
    var self = this;
    return product(choices).slice(0, MAX_BRANCHES).map(function (combo) {
      var assumed = Object.assign({}, facts);
      combo.forEach(function (c) { assumed[c[0]] = c[1]; });
      return [combo, self.decide(subjectId, action, day, assumed)];
    });
  };

  /* _settle */
  Engine.prototype.settleCases = function (subjectId, action, day, facts, decision, choices) {
    var total = 1;
    choices.forEach(function (values) { total *= values.length; });
    if (!choices.length || total > MAX_BRANCHES) return [decision, []];
    var outcomes = this.assume(subjectId, action, day, facts, choices);
    var verdicts = [];
    outcomes.forEach(function (pair) { merge(verdicts, [answer(pair[1])]); });
    if (verdicts.length !== 1) return [decision, outcomes];
    var verdict = outcomes[0][1].verdict;
    if (verdict === "conditional") return [decision, outcomes];
    var settled = outcomes[0][1];
    settled.facts = Object.assign({}, facts);
    outcomes.slice(1).forEach(function (pair) { mergeCitations(settled.citations, pair[1].citations); });
    settled.reasons.push(verdict + " whatever the value of " + decision.missing_facts.join(", ") +
                         ": every case was checked");
    return [settled, []];
  };

  /* _answer (as a string, so that equal answers compare equal) */
  function answer(decision) {
    return JSON.stringify([decision.verdict, decision.obligations]);
  }

  /* _relevant */
  function relevantFacts(missing, tried) {
    return missing.filter(function (name, index) {
      var answers = {};
      tried.forEach(function (pair) {
        var others = JSON.stringify(pair[0].filter(function (c, i) { return i !== index; })
          .map(function (c) { return c[1]; }));
        if (!has(answers, others)) answers[others] = [];
        merge(answers[others], [answer(pair[1])]);
      });
      return Object.keys(answers).some(function (k) { return answers[k].length > 1; });
    });
  }

  /* _cases */
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

  /* _split */
  function split(choices, rows) {
    var answers = [];
    rows.forEach(function (row) { merge(answers, [answer(row[1])]); });
    if (answers.length === 1) {
      var d = rows[0][1];
      var outside = [];
      if (d.verdict === "conditional") {
        rows.forEach(function (row) { merge(outside, row[1].conditions); });
      }
      return [[[], d.verdict, d.obligations.slice(), outside]];
    }
    for (var index = 0; index < choices.length; index++) {
      var rest = choices.slice(0, index).concat(choices.slice(index + 1));
      var under = choices[index].map(function (option) {
        return [option[0], option[1], option[2], split(rest, withValue(rows, option[0], option[1]))];
      });
      var first = JSON.stringify(under[0][3]);
      if (under.every(function (u) { return JSON.stringify(u[3]) === first; })) continue;
      var out = [];
      grouped(under).forEach(function (group) {
        group[1].forEach(function (c) { out.push([[group[0]].concat(c[0]), c[1], c[2], c[3]]); });
      });
      return out;
    }
    return [[[], "conditional", [], []]];
  }

  /* _with */
  function withValue(rows, name, value) {
    return rows.filter(function (row) { return !has(row[0], name) || row[0][name] === value; });
  }

  /* _grouped */
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

  /* _group_label */
  function groupLabel(members) {
    if (members.length === 1) return members[0][2];
    var name = members[0][0];
    var named = members.every(function (m) { return m[2] === name + " = " + m[1]; });
    if (named) {
      return name + " is one of " + members.map(function (m) { return String(m[1]); }).join(", ");
    }
    return members.map(function (m) { return m[2]; }).join(" or ");
  }

  /* _merge_citations (Citation equality: every field) */
  function mergeCitations(target, items) {
    items.forEach(function (item) {
      var known = target.some(function (c) {
        var keys = Object.keys(c);
        return keys.length === Object.keys(item).length &&
               keys.every(function (k) { return has(item, k) && item[k] === c[k]; });
      });
      if (!known) target.push(item);
    });
  }

  /* _scope_conditional */
  function scopeConditional(out, when, document, facts) {
    var scoped = {
      verdict: out.verdict, citations: out.citations.slice(), obligations: out.obligations.slice(),
      missing: out.missing.slice(), conditions: out.conditions.slice(), notes: out.notes.slice()
    };
    if (scoped.verdict === "prohibited") {
      scoped.verdict = "conditional";
      merge(scoped.conditions, ["prohibited by " + document + " if " + when.text]);
    } else if (scoped.verdict === "permitted" || scoped.verdict === "conditional") {
      scoped.verdict = "conditional";
      merge(scoped.conditions, [document + " applies if " + when.text]);
    }
    merge(scoped.missing, missingFacts(when, facts));
    return scoped;
  }

  /* The Ask form reports a number it cannot read with the same words as Python. */
  Engine.prototype.wrongType = function (name, found) {
    return wrongType(this.compiled.facts[name], found);
  };

  return { Engine: Engine, AskError: AskError, evaluate: evaluate };
});
