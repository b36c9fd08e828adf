/* Craftbook 평가하기: score a contact on the scorecard page itself.
 *
 * The generator writes the scorecard as a paper form (templates/scorecard-form.md.j2):
 * areas with their weights, criteria with their points and behaviour anchors. This
 * file turns the same elements into controls: an anchor (or N/A, where the criterion
 * allows it) per criterion, the header fields and a comment per criterion, with area
 * subtotals, the weighted total and a critical failure computed live, and the result
 * copied as Korean text to paste into the QA system or a coaching note.
 *
 * The rule is the one the page states (craftbook.models.scorecard): an area's subtotal
 * is points received over the points of the criteria scored, × 100 (N/A leaves both);
 * the total is Σ subtotal × weight over the areas that have a subtotal, ÷ their weights;
 * a critical criterion scored 0 makes the total 0 (`evaluation`) or its area's subtotal
 * 0 (`section`).
 *
 * Nothing is sent anywhere: the scoring lives in this tab's sessionStorage (keyed by the
 * page), so a reload keeps it and closing the tab forgets it. Text from the library
 * reaches the DOM only as text (textContent).
 */
(function () {
  "use strict";

  var L = {
    start: "평가하기",
    stop: "평가 마치기",
    copy: "결과 복사",
    copied: "결과를 복사했습니다.",
    copyFailed: "복사하지 못했습니다. 아래 결과를 직접 선택해 복사하세요.",
    reset: "모두 지우기",
    resetConfirm: "이 평가의 점수, 의견, 상담 정보를 모두 지울까요?",
    cleared: "평가 내용을 지웠습니다.",
    total: "총점",
    subtotal: "소계",
    notScored: "미채점",
    na: "N/A",
    pass: "통과",
    fail: "치명 위반",
    open: "확인 전",
    comment: "의견",
    unscoredCount: "채점하지 않은 항목",
    privacy: "점수와 의견은 이 브라우저 탭에만 남고 어디에도 전송되지 않습니다. 탭을 닫으면 지워집니다.",
    scoreLabel: "점수",
    points: "점",
    heading: "평가 결과",
    preview: "복사할 결과 미리 보기"
  };
  var FIELDS = [
    ["evaluator", "평가자"],
    ["agent", "상담사"],
    ["contact-at", "상담 일시"],
    ["contact-id", "상담 ID"],
    ["evaluated-on", "평가일"]
  ];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var copyText = function (text) { return window.craftbookCopy(text); };  // clipboard.js

  /* One decimal, as an evaluator writes it: 73.3, 80 (not 80.0). */
  function fmt(value) {
    var rounded = Math.round(value * 10) / 10;
    return String(rounded);
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function clean(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  /* ------------------------------------------------------------ the form */

  function readForm(root) {
    return Array.prototype.map.call(root.querySelectorAll("table.cb-sc-area[data-area]"), function (table) {
      return {
        index: Number(table.getAttribute("data-area")),
        weight: Number(table.getAttribute("data-weight")),
        title: table.getAttribute("data-area-title") || "",
        number: String(Number(table.getAttribute("data-area")) + 1),
        criteria: Array.prototype.map.call(table.querySelectorAll("tr.cb-criterion[data-criterion]"), function (tr) {
          var text = tr.querySelector(".cb-sc-text");
          var number = tr.getAttribute("data-number") || "";
          return {
            id: tr.getAttribute("data-criterion"),
            number: number,
            text: text ? clean(text.textContent).replace(number, "").trim() : "",
            points: Number(tr.getAttribute("data-points")),
            critical: tr.hasAttribute("data-critical"),
            na: tr.hasAttribute("data-na"),
            anchors: Array.prototype.map.call(tr.querySelectorAll("li.cb-anchor[data-score]"), function (li) {
              return li.getAttribute("data-score");
            }).filter(function (s) { return s !== "na"; }).map(Number),
            row: tr
          };
        })
      };
    });
  }

  function Scoring(root) {
    this.root = root;
    this.areas = readForm(root);
    this.byId = {};
    var self = this;
    this.areas.forEach(function (area) {
      area.criteria.forEach(function (c) { self.byId[c.id] = c; });
    });
    this.mode = root.getAttribute("data-critical-fails") === "section" ? "section" : "evaluation";
    this.key = "craftbook-score:" + location.pathname;
    this.state = { on: false, scores: {}, comments: {}, fields: {} };
    this.built = false;
    this.toolbar();
    var saved = this.load();
    if (saved) {
      this.state = saved;
      if (saved.on) this.start(false);
    }
  }

  Scoring.prototype.toolbar = function () {
    var self = this;
    var bar = el("div", { class: "cb-sc-toolbar" });
    this.toggle = el("button", { type: "button", class: "cb-btn cb-sc-toggle", "data-score-action": "toggle", "aria-pressed": "false" }, L.start);
    this.toggle.addEventListener("click", function () {
      if (self.state.on) self.stop();
      else self.start(true);
    });
    bar.appendChild(this.toggle);
    this.root.insertBefore(bar, this.root.firstChild);
  };

  /* A score is kept only if the form still offers it (the rubric may have changed). */
  Scoring.prototype.valid = function (criterion, score) {
    if (!criterion) return false;
    if (score === "na") return criterion.na;
    if (typeof score !== "number" || !Number.isInteger(score)) return false;
    if (criterion.anchors.length) return criterion.anchors.indexOf(score) >= 0;
    return score >= 0 && score <= criterion.points;
  };

  Scoring.prototype.load = function () {
    var raw = null;
    try {
      raw = window.sessionStorage.getItem(this.key);
    } catch (error) {
      return null;  // storage switched off: scoring still works, it just is not kept
    }
    if (!raw) return null;
    var data;
    try {
      data = JSON.parse(raw);
    } catch (error) {
      return null;
    }
    if (!data || typeof data !== "object") return null;
    var state = { on: data.on === true, scores: {}, comments: {}, fields: {} };
    var self = this;
    Object.keys(data.scores || {}).forEach(function (id) {
      if (self.valid(self.byId[id], data.scores[id])) state.scores[id] = data.scores[id];
    });
    Object.keys(data.comments || {}).forEach(function (id) {
      if (self.byId[id] && typeof data.comments[id] === "string") state.comments[id] = data.comments[id];
    });
    FIELDS.forEach(function (field) {
      var value = (data.fields || {})[field[0]];
      if (typeof value === "string") state.fields[field[0]] = value;
    });
    return state;
  };

  Scoring.prototype.save = function () {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify(this.state));
    } catch (error) {
      /* storage full or switched off: nothing to do, the page still scores */
    }
  };

  Scoring.prototype.start = function (focus) {
    if (!this.built) this.build();
    this.state.on = true;
    if (!this.state.fields["evaluated-on"]) this.state.fields["evaluated-on"] = today();
    this.root.setAttribute("data-scoring", "on");
    this.toggle.setAttribute("aria-pressed", "true");
    this.toggle.textContent = L.stop;
    this.result.hidden = false;
    this.bar.hidden = false;
    this.fill();
    this.update();
    this.save();
    if (focus) {
      var first = this.root.querySelector("[data-field-input]");
      if (first) first.focus();
    }
  };

  Scoring.prototype.stop = function () {
    this.state.on = false;
    this.root.removeAttribute("data-scoring");
    this.toggle.setAttribute("aria-pressed", "false");
    this.toggle.textContent = L.start;
    this.result.hidden = true;
    this.bar.hidden = true;
    this.save();
  };

  Scoring.prototype.build = function () {
    var self = this;
    var root = this.root;
    var name = "cb-score-" + (root.getAttribute("data-scorecard") || "form") + "-" + (root.getAttribute("data-version") || "");

    root.querySelectorAll("td[data-field]").forEach(function (cell) {
      var field = cell.getAttribute("data-field");
      var label = cell.previousElementSibling ? clean(cell.previousElementSibling.textContent) : field;
      var input = el("input", { type: "text", "data-field-input": field, "aria-label": label, autocomplete: "off" });
      cell.appendChild(input);
    });

    this.areas.forEach(function (area) {
      area.criteria.forEach(function (c) {
        var group = name + "-" + c.id;
        c.row.querySelectorAll("li.cb-anchor").forEach(function (li) {
          var score = li.getAttribute("data-score");
          var label = el("label", { class: "cb-sc-choice" });
          var input;
          if (li.hasAttribute("data-score-free")) {
            input = el("input", {
              type: "number", min: "0", max: String(c.points), step: "1", inputmode: "numeric",
              "data-score-input": "", "data-criterion-input": c.id,
              "aria-label": c.number + " " + L.scoreLabel + " (0–" + c.points + ")"
            });
          } else {
            input = el("input", { type: "radio", name: group, value: score, "data-criterion-input": c.id });
            input.setAttribute(score === "na" ? "data-score-na" : "data-score-input", "");
          }
          while (li.firstChild) label.appendChild(li.firstChild);
          label.insertBefore(input, label.firstChild);
          li.appendChild(label);
        });
        var cell = c.row.querySelector("td.cb-sc-comment");
        if (cell) {
          cell.appendChild(el("textarea", { rows: "2", "data-comment": c.id, "aria-label": c.number + " " + L.comment, placeholder: L.comment }));
        }
      });
    });

    this.result = el("section", { class: "cb-sc-result", "data-score-result": "", "aria-label": L.heading, hidden: "" });
    this.result.appendChild(el("h3", {}, L.heading));
    this.summary = el("p", { class: "cb-sc-result-total", "data-result-total": "" });
    this.result.appendChild(this.summary);
    this.unscored = el("p", { class: "cb-sc-result-open", "data-unscored": "" });
    this.result.appendChild(this.unscored);
    var actions = el("div", { class: "cb-sc-actions" });
    actions.appendChild(el("button", { type: "button", class: "cb-btn", "data-score-action": "copy" }, L.copy));
    actions.appendChild(el("button", { type: "button", class: "cb-btn", "data-score-action": "reset" }, L.reset));
    this.result.appendChild(actions);
    // Focusable: it scrolls, and a keyboard user must be able to scroll it too.
    this.preview = el("pre", { class: "cb-sc-preview", "data-result-text": "", tabindex: "0", "aria-label": L.preview });
    this.result.appendChild(this.preview);
    this.result.appendChild(el("p", { class: "cb-sc-privacy" }, L.privacy));
    this.live = el("p", { class: "cb-sr-only", role: "status", "aria-live": "polite" });
    this.result.appendChild(this.live);
    root.appendChild(this.result);

    // A one-line summary that stays in sight while the evaluator works down the form.
    this.bar = el("div", { class: "cb-sc-bar", "data-score-bar": "", hidden: "" });
    this.barText = el("span", { class: "cb-sc-bar-text", "aria-hidden": "true" });
    this.bar.appendChild(this.barText);
    this.bar.appendChild(el("button", { type: "button", class: "cb-btn", "data-score-action": "copy" }, L.copy));
    root.appendChild(this.bar);

    root.addEventListener("change", function (event) { self.onInput(event.target); });
    root.addEventListener("input", function (event) {
      if (event.target.matches("textarea[data-comment], input[data-field-input], input[type=number][data-score-input]")) {
        self.onInput(event.target);
      }
    });
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-score-action]");
      if (!button || !root.contains(button)) return;
      var action = button.getAttribute("data-score-action");
      if (action === "copy") self.copy(button);
      else if (action === "reset") self.reset();
    });
    this.built = true;
  };

  Scoring.prototype.onInput = function (target) {
    var id = target.getAttribute("data-criterion-input");
    if (id !== null && this.byId[id]) {
      var c = this.byId[id];
      if (target.type === "number") {
        var value = target.value.trim() === "" ? NaN : Number(target.value);
        if (this.valid(c, value)) {
          this.state.scores[id] = value;
          target.removeAttribute("aria-invalid");
        } else {
          delete this.state.scores[id];
          if (target.value.trim() !== "") target.setAttribute("aria-invalid", "true");
          else target.removeAttribute("aria-invalid");
        }
      } else if (target.checked) {
        this.state.scores[id] = target.value === "na" ? "na" : Number(target.value);
      }
    } else if (target.hasAttribute("data-comment")) {
      this.state.comments[target.getAttribute("data-comment")] = target.value;
    } else if (target.hasAttribute("data-field-input")) {
      this.state.fields[target.getAttribute("data-field-input")] = target.value;
    } else {
      return;
    }
    this.save();
    this.update();
  };

  /* Put the kept state into the controls (after a reload or a reset). */
  Scoring.prototype.fill = function () {
    var state = this.state;
    this.root.querySelectorAll("[data-field-input]").forEach(function (input) {
      input.value = state.fields[input.getAttribute("data-field-input")] || "";
    });
    this.root.querySelectorAll("textarea[data-comment]").forEach(function (area) {
      area.value = state.comments[area.getAttribute("data-comment")] || "";
    });
    this.root.querySelectorAll("input[data-criterion-input]").forEach(function (input) {
      var score = state.scores[input.getAttribute("data-criterion-input")];
      if (input.type === "number") {
        input.value = typeof score === "number" ? String(score) : "";
        input.removeAttribute("aria-invalid");
      } else {
        input.checked = score !== undefined && String(score) === input.value;
      }
    });
  };

  /* ------------------------------------------------------------ the rule */

  Scoring.prototype.compute = function () {
    var scores = this.state.scores;
    var mode = this.mode;
    var failures = [];
    var open = [];
    var areas = this.areas.map(function (area) {
      var got = 0;
      var possible = 0;
      var failed = false;
      var allNa = true;
      area.criteria.forEach(function (c) {
        var score = scores[c.id];
        if (score === undefined) {
          open.push(c);
          allNa = false;
          return;
        }
        if (score === "na") return;
        allNa = false;
        got += score;
        possible += c.points;
        if (c.critical && score === 0) {
          failed = true;
          failures.push(c);
        }
      });
      var subtotal = possible ? (got / possible) * 100 : null;
      if (failed && mode === "section") subtotal = 0;
      return { area: area, subtotal: subtotal, na: allNa, failed: failed };
    });
    var weights = 0;
    var sum = 0;
    areas.forEach(function (a) {
      if (a.subtotal === null) return;
      weights += a.area.weight;
      sum += a.subtotal * a.area.weight;
    });
    var total = weights ? sum / weights : null;
    if (failures.length && mode === "evaluation") total = 0;
    var rebased = areas.some(function (a) { return a.subtotal === null && a.na; });
    return { areas: areas, total: total, failures: failures, open: open, rebased: rebased && total !== null };
  };

  Scoring.prototype.criticalState = function (c) {
    var score = this.state.scores[c.id];
    if (score === undefined) return "open";
    if (score === "na") return "na";
    return score === 0 ? "fail" : "pass";
  };

  Scoring.prototype.update = function () {
    var self = this;
    var result = this.compute();
    var root = this.root;
    result.areas.forEach(function (a) {
      var i = a.area.index;
      var text = a.subtotal === null ? (a.na ? L.na : "—") : fmt(a.subtotal);
      var cell = root.querySelector('[data-area-subtotal="' + i + '"]');
      if (cell) cell.textContent = text + (a.subtotal === null ? "" : "/100");
      var score = root.querySelector('[data-area-score="' + i + '"]');
      if (score) score.textContent = text;
      var weighted = root.querySelector('[data-area-weighted="' + i + '"]');
      if (weighted) weighted.textContent = a.subtotal === null ? text : fmt((a.subtotal * a.area.weight) / 100);
    });
    var totalText = result.total === null ? "—" : fmt(result.total);
    var totalCell = root.querySelector("[data-total]");
    if (totalCell) totalCell.textContent = totalText + (result.total === null ? "" : "/100");
    root.setAttribute("data-critical-failed", result.failures.length ? "true" : "false");

    this.areas.forEach(function (area) {
      area.criteria.forEach(function (c) {
        var score = self.state.scores[c.id];
        c.row.setAttribute("data-scored", score === undefined ? "" : String(score));
        c.row.querySelectorAll("li.cb-anchor").forEach(function (li) {
          var mine = li.getAttribute("data-score");
          li.toggleAttribute("data-selected", score !== undefined && mine !== null && String(score) === mine);
        });
        if (!c.critical) return;
        var row = root.querySelector('[data-critical-row="' + CSS.escape(c.id) + '"]');
        if (!row) return;
        var state = self.criticalState(c);
        row.setAttribute("data-critical-state", state);
        var cells = row.querySelectorAll("td.cb-sc-box");
        if (cells.length === 2) {
          cells[0].textContent = state === "pass" || state === "na" ? "☑" : "☐";
          cells[1].textContent = state === "fail" ? "☑" : "☐";
        }
      });
    });

    var verdict = root.querySelector("[data-critical-status]");
    if (verdict) {
      var criticals = [];
      this.areas.forEach(function (area) { area.criteria.forEach(function (c) { if (c.critical) criticals.push(c); }); });
      var decided = criticals.every(function (c) { return self.criticalState(c) !== "open"; });
      var word = result.failures.length ? L.fail : decided ? L.pass : L.open;
      verdict.setAttribute("data-verdict", result.failures.length ? "fail" : decided ? "pass" : "open");
      verdict.textContent = "판정: " + word;
    }

    var summary = L.total + " " + (result.total === null ? "—" : fmt(result.total) + L.points) + " / 100";
    if (result.failures.length) {
      summary += " · " + L.fail + (this.mode === "evaluation" ? " (총점 0점)" : " (해당 영역 0점)");
    }
    this.summary.textContent = summary;
    this.summary.setAttribute("data-state", result.failures.length ? "fail" : "ok");
    this.unscored.textContent = result.open.length ? L.unscoredCount + " " + result.open.length + "개 (점수에 넣지 않았습니다)" : "";
    this.barText.textContent = summary + (result.open.length ? " · " + L.notScored + " " + result.open.length + "개" : "");
    this.preview.textContent = this.text(result);
  };

  /* ------------------------------------------------------------ the result as text */

  Scoring.prototype.text = function (result) {
    var self = this;
    var root = this.root;
    var lines = [];
    var version = root.getAttribute("data-version");
    lines.push("[" + L.heading + "] " + (root.getAttribute("data-title") || "") + (version ? " (버전 " + version + ")" : ""));
    FIELDS.forEach(function (field) {
      var value = clean(self.state.fields[field[0]] || "");
      if (value) lines.push(field[1] + ": " + value);
    });
    lines.push("");
    var total = L.total + ": " + (result.total === null ? "—" : fmt(result.total) + L.points) + " / 100";
    if (result.rebased) total += " (모든 항목이 N/A인 영역을 빼고 환산)";
    if (result.open.length && result.total !== null) total += " (채점한 항목만으로 계산한 중간 점수)";
    lines.push(total);
    if (result.failures.length) {
      lines.push(L.fail + ": " + result.failures.map(function (c) { return c.number + " " + c.text; }).join(", ") +
        (this.mode === "evaluation" ? " → 총점 0점" : " → 해당 영역 0점"));
    } else if (this.root.querySelector("[data-critical-row]")) {
      lines.push("치명 항목: " + (result.open.some(function (c) { return c.critical; }) ? L.open : L.pass));
    }
    if (result.open.length) lines.push(L.unscoredCount + ": " + result.open.length + "개");
    result.areas.forEach(function (a) {
      lines.push("");
      var sub = a.subtotal === null ? (a.na ? L.na : "—") : fmt(a.subtotal) + L.points;
      lines.push(a.area.number + ". " + a.area.title + " (가중치 " + a.area.weight + "%) " + L.subtotal + " " + sub);
      a.area.criteria.forEach(function (c) {
        var score = self.state.scores[c.id];
        var shown = score === undefined ? L.notScored : score === "na" ? L.na : score + "/" + c.points;
        lines.push("- " + c.number + " " + c.text + ": " + shown + (c.critical ? " [치명]" : ""));
        var comment = clean(self.state.comments[c.id] || "");
        if (comment) lines.push("  " + L.comment + ": " + comment);
      });
    });
    var rule = root.querySelector("[data-scoring-rule]");
    if (rule) {
      lines.push("");
      lines.push(clean(rule.textContent));
    }
    lines.push(location.href.split("#")[0]);
    return lines.join("\n");
  };

  Scoring.prototype.copy = function (button) {
    var self = this;
    var text = this.text(this.compute());
    var label = button.textContent;
    copyText(text).then(function () {
      button.textContent = "✓ " + L.copy;
      self.announce(L.copied);
      setTimeout(function () { button.textContent = label; }, 1500);
    }, function () {
      self.announce(L.copyFailed);
    });
  };

  Scoring.prototype.reset = function () {
    if (!window.confirm(L.resetConfirm)) return;
    this.state = { on: true, scores: {}, comments: {}, fields: { "evaluated-on": today() } };
    this.fill();
    this.update();
    this.save();
    this.announce(L.cleared);
  };

  Scoring.prototype.announce = function (message) {
    var live = this.live;
    live.textContent = "";
    setTimeout(function () { live.textContent = message; }, 50);
  };

  /* ------------------------------------------------------------ start-up */

  function init() {
    document.querySelectorAll(".cb-scorecard[data-scorecard]:not([data-scoring-ready])").forEach(function (root) {
      root.setAttribute("data-scoring-ready", "");
      new Scoring(root);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
