/* Craftbook consult mode: step through a script during a live call, beside the CRM.
 *
 * The generator writes every step of a script into the page (progressive
 * enhancement; see craftbook/templates/script.md.j2). This file reads those elements
 * and builds, on top of them: the one-step-at-a-time consult view, the compliance
 * checklist that follows the path taken, hand-offs into other scripts (their pages are
 * fetched from this same site and read the same way), the call note for the CRM, the
 * flowchart (a step list, or the chart drawn by the vendored Mermaid, loaded only when
 * it comes into view) and the objection filter. Nothing here makes a request to
 * another host, and text from the library only ever reaches the DOM as text
 * (textContent) or as the generator's already-sanitised HTML (cloned nodes).
 */
(function () {
  "use strict";

  var SELF = document.currentScript ? document.currentScript.src : "";
  var MERMAID_URL = SELF ? new URL("vendor/mermaid/mermaid.min.js", SELF).href : "";
  // Below this width the panel moves to the top of the page and the flowchart starts as
  // a step list: a window beside the CRM has room for one column and no chart.
  var NARROW = "(max-width: 600px)";

  var L = {
    panel: "상담 진행",
    back: "이전 단계",
    restart: "처음부터",
    trail: "지나온 단계",
    say: "말하기",
    listen: "들을 것",
    tip: "팁",
    mustSay: "이 단계에서 반드시 안내",
    must: "반드시 지킬 것 (QA 치명 항목)",
    copy: "복사",
    copied: "복사됨",
    copiedNews: "말할 문장을 복사했습니다.",
    copyFailed: "복사하지 못했습니다. 문장을 직접 선택해 복사하세요.",
    choices: "고객 반응 고르기",
    outcome: "결과",
    checklist: "반드시 안내할 문구",
    now: "지금",
    unticked: "이번 경로에서 아직 안내하지 않은 문구",
    allTicked: "이번 경로에서 안내할 문구를 모두 안내했습니다.",
    newCall: "새 상담 시작",
    restarted: "처음부터 다시 시작했습니다.",
    undo: "되돌리기",
    undone: "되돌렸습니다.",
    showAll: "모든 단계 펼쳐 보기",
    hideAll: "모든 단계 접기",
    keys: "키보드: 숫자 1–9 고르기 · Backspace 이전 · Home 처음부터",
    start: "시작",
    context: "상황과 목표",
    scenario: "상황",
    goal: "목표",
    handoff: "다른 스크립트",
    handoffLoading: "다른 스크립트를 불러오는 중입니다…",
    handoffFailed: "다른 스크립트를 불러오지 못했습니다. 링크를 눌러 그 스크립트를 여세요.",
    handoffMissing: "이 사이트에 없는 스크립트",
    returnTo: "돌아가기",
    note: "상담 메모 복사",
    noteCopied: "상담 메모를 복사했습니다.",
    noteFailed: "상담 메모를 복사하지 못했습니다.",
    noteTitle: "상담 메모",
    noteTime: "시각",
    notePath: "경로",
    noteSaid: "안내한 문구",
    noteNotSaid: "안내하지 않은 문구",
    noteNone: "(없음)",
    search: "반론 찾기",
    searchHint: "고객이 한 말을 입력하세요",
    noMatch: "맞는 반론이 없습니다.",
    flowError: "흐름도를 그리지 못했습니다. 단계 목록을 보세요.",
    flowLoading: "흐름도를 그리는 중입니다…",
    flowTitle: "상담 스크립트 흐름도",
    flowFit: "화면에 맞추기",
    flowChart: "그림으로 보기",
    flowList: "목록으로 보기"
  };

  function matchesLabel(shown, total) {
    return "반론 " + total + "건 중 " + shown + "건";
  }

  function handedFrom(title, label) {
    return title + " · " + label + "에서 넘어왔습니다.";
  }

  function staleWarning(review) {
    var text = "검토 기한이 지난 스크립트입니다. 마지막 검토 " + review.reviewed;
    if (review.every) text += "(" + review.every + "일마다 검토)";
    text += ". 안내 내용이 지금도 맞는지 ";
    text += review.owner ? "담당자(" + review.owner + ")에게 확인하세요." : "담당자에게 확인하세요.";
    return text;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function norm(text) {
    return (text.normalize ? text.normalize("NFC") : text).toLowerCase();
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    if (target.closest("textarea, select, [contenteditable]:not([contenteditable='false'])")) return true;
    var input = target.closest("input");
    return !!input && ["checkbox", "radio", "button", "submit", "reset"].indexOf(input.type) < 0;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function localTime(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function today() {
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  var copyText = function (text) { return window.craftbookCopy(text); };  // clipboard.js

  /* ------------------------------------------------------------ the script */

  /* One script as its page writes it: steps with labels and branches, compliance lines
     with the steps they belong to, review state. `base` is the address of the page the
     elements come from, so the links of a script fetched for a hand-off still work. */
  function readScript(root, base) {
    var steps = new Map();
    root.querySelectorAll("section.cb-step[data-step]").forEach(function (section) {
      var id = section.getAttribute("data-step");
      var number = section.getAttribute("data-step-number") || "";
      steps.set(id, {
        id: id,
        number: number,
        label: section.getAttribute("data-step-label") || (number ? number + "." : ""),
        section: section,
        outcome: section.getAttribute("data-step-outcome"),
        outcomeLabel: section.getAttribute("data-outcome-label") || section.getAttribute("data-step-outcome"),
        branches: Array.prototype.map.call(section.querySelectorAll(".cb-branch"), function (a) {
          if (a.hasAttribute("data-handoff-missing")) return { go: "", when: a.textContent, missing: true };
          var branch = { go: a.getAttribute("data-target"), when: a.textContent, handoff: null };
          if (a.hasAttribute("data-handoff")) {
            branch.handoff = {
              script: a.getAttribute("data-handoff"),
              step: a.getAttribute("data-handoff-step"),
              title: a.getAttribute("data-handoff-title") || "",
              label: a.getAttribute("data-handoff-label") || "",
              href: new URL(a.getAttribute("href"), base).href
            };
          }
          return branch;
        })
      });
    });
    var review = null;
    var due = root.getAttribute("data-review-due");
    // Stale by the build's date, or by today's: a site built once may be read for months.
    if (root.getAttribute("data-review-state") === "stale" || (due && today() > due)) {
      review = {
        reviewed: root.getAttribute("data-reviewed") || "",
        every: root.getAttribute("data-review-every") || "",
        owner: root.getAttribute("data-owner") || ""
      };
    }
    return {
      id: root.getAttribute("data-script-id") || "",
      title: root.getAttribute("data-script-title") || "",
      start: root.getAttribute("data-start"),
      base: base,
      steps: steps,
      review: review,
      context: root.querySelector(".cb-context"),
      compliance: Array.prototype.map.call(root.querySelectorAll(".cb-compliance > li"), function (li) {
        var text = li.querySelector(".cb-compliance-text");
        var at = li.getAttribute("data-compliance-at");
        return { text: (text || li).textContent.trim(), at: at ? at.split(" ") : [] };
      })
    };
  }

  /* Where a path goes: a step of the page's own script is written as its id
     (`#path=open/ask-reason`, as links people saved still read), a step of another
     script as `script-id:step-id`. Ids are lowercase letters, digits and hyphens. */
  function parseToken(token, home) {
    var cut = token.indexOf(":");
    return cut < 0 ? { script: home, step: token } : { script: token.slice(0, cut), step: token.slice(cut + 1) };
  }

  function readHash(allowStep, home) {
    var hash = location.hash.replace(/^#/, "");
    try {
      hash = decodeURIComponent(hash);
    } catch (error) {
      return null;
    }
    if (allowStep && hash.indexOf("step-") === 0) {
      return { tokens: [hash.slice(5)], checked: [] };  // a link to one step of the static page
    }
    var params = {};
    hash.split("&").forEach(function (pair) {
      var cut = pair.indexOf("=");
      if (cut > 0) params[pair.slice(0, cut)] = pair.slice(cut + 1);
    });
    if (!params.path) return null;
    // Only digits count: "".split(",") is [""], and Number("") is 0, so an absent or empty
    // `checked=` would otherwise tick the first line (the recording notice) by itself.
    var checked = (params.checked || "").split(",").map(function (part) {
      var item = parseToken(part, home);
      return /^\d+$/.test(item.step) ? item.script + ":" + Number(item.step) : null;
    }).filter(Boolean);
    return { tokens: params.path.split("/"), checked: checked };
  }

  /* ------------------------------------------------------------ consult view */

  function Consult(source) {
    this.source = source;
    this.script = readScript(source, location.href);
    this.home = this.script.id;
    this.scripts = new Map([[this.home, this.script]]);
    this.loading = new Map();
    this.path = [{ script: this.home, step: this.script.start }];
    this.checked = new Set();
    this.undoState = null;
    this.build();
    var saved = readHash(true, this.home);
    var pending = saved ? this.restore(saved) : null;
    this.render(false);
    if (saved && this.path.length > 1) this.bringIntoView();
    var self = this;
    // A shared link or a reload whose path goes on in another script: once that script
    // has loaded, its line to say is the one to bring into view.
    if (pending) pending.then(function () { self.render(false); self.bringIntoView(); });
  }

  Consult.prototype.build = function () {
    var self = this;
    var root = el("section", { class: "cb-consult", "data-consult": "", "aria-label": L.panel });

    this.staleBox = el("p", { class: "cb-stale", role: "note", hidden: "" });
    root.appendChild(this.staleBox);
    this.contextBox = el("div", { class: "cb-context-fold", hidden: "" });
    root.appendChild(this.contextBox);

    // The current step: a fixed head (title, back, restart) and trail, then a body
    // rebuilt on every move, so the back button keeps its place and its focus.
    this.current = el("div", { class: "cb-current" });
    this.fromBox = el("p", { class: "cb-from", hidden: "" });
    this.current.appendChild(this.fromBox);
    var head = el("div", { class: "cb-consult-head" });
    this.title = el("h3", { class: "cb-current-title", tabindex: "-1" });
    var bar = el("div", { class: "cb-consult-bar" });
    this.backButton = el("button", { type: "button", class: "cb-btn", "data-action": "back", "aria-keyshortcuts": "Backspace" }, "← " + L.back);
    var restart = el("button", { type: "button", class: "cb-btn", "data-action": "restart", "aria-keyshortcuts": "Home" }, "⟲ " + L.restart);
    bar.appendChild(this.backButton);
    bar.appendChild(restart);
    head.appendChild(this.title);
    head.appendChild(bar);
    this.current.appendChild(head);

    this.trail = el("ol", { class: "cb-trail" });
    var trailNav = el("nav", { class: "cb-trail-nav", "aria-label": L.trail });
    trailNav.appendChild(this.trail);
    this.current.appendChild(trailNav);
    this.undoBox = el("p", { class: "cb-undo", hidden: "" });
    this.current.appendChild(this.undoBox);

    this.body = el("div", { class: "cb-current-body" });
    this.current.appendChild(this.body);
    root.appendChild(this.current);

    this.checklist = el("fieldset", { class: "cb-checklist", hidden: "" });
    root.appendChild(this.checklist);
    var staticList = this.source.querySelector(".cb-compliance-block");
    if (staticList) staticList.hidden = true;
    if (this.script.context) this.script.context.hidden = true;  // shown in the panel, folded

    root.appendChild(el("p", { class: "cb-keys" }, L.keys));
    this.live = el("p", { class: "cb-sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    root.appendChild(this.live);

    var staticSteps = this.source.querySelector(".cb-steps");
    if (staticSteps) {
      staticSteps.id = staticSteps.id || "cb-steps-" + (this.home || "script");
      staticSteps.hidden = true;
      var toggle = el("button", { type: "button", class: "cb-btn cb-steps-toggle", "aria-expanded": "false", "aria-controls": staticSteps.id }, L.showAll);
      toggle.addEventListener("click", function () {
        staticSteps.hidden = !staticSteps.hidden;
        toggle.setAttribute("aria-expanded", String(!staticSteps.hidden));
        toggle.textContent = staticSteps.hidden ? L.showAll : L.hideAll;
      });
      this.source.insertBefore(toggle, staticSteps);
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !root.contains(button)) return;
      var action = button.getAttribute("data-action");
      if (button.hasAttribute("data-go")) self.go(button.getAttribute("data-go"));
      else if (action === "back") self.back();
      else if (action === "restart") self.restart();
      else if (action === "undo") self.undo();
      else if (action === "return") self.returnBack();
      else if (action === "jump") self.jump(Number(button.getAttribute("data-index")));
      else if (action === "copy") self.copy(button);
      else if (action === "note") self.copyNote(button);
    });
    root.addEventListener("change", function (event) {
      var key = event.target.getAttribute("data-compliance-key");
      if (key === null) return;
      if (event.target.checked) self.checked.add(key);
      else self.checked.delete(key);
      self.clearUndo();
      self.save();
      self.renderChecklistState();
      self.renderOutcome();
    });

    this.root = root;
    this.source.insertBefore(root, this.source.firstChild);
    this.place();
    if (window.matchMedia) {
      var query = window.matchMedia(NARROW);
      var onChange = function () { self.place(); };
      if (query.addEventListener) query.addEventListener("change", onChange);
    }
  };

  /* In a narrow window the panel is the first thing under the page title: the line to
     say must not wait below the summary. In a wide one it stays in the script section. */
  Consult.prototype.place = function () {
    var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
    var article = this.source.closest("article") || this.source.parentNode;
    var heading = article.querySelector("h1");
    if (narrow && heading && heading.parentNode === article) {
      if (heading.nextSibling !== this.root) heading.after(this.root);
    } else if (this.root.parentNode !== this.source) {
      this.source.insertBefore(this.root, this.source.firstChild);
    }
    var top = this.root.parentNode !== this.source;
    this.root.classList.toggle("cb-consult-top", top);
    // Under the page title the step heading is the next level down; in the script
    // section it sits below "상담 단계" (h2). Screen readers list headings by level.
    this.title.setAttribute("aria-level", top ? "2" : "3");
  };

  Consult.prototype.item = function () {
    return this.path[this.path.length - 1];
  };

  Consult.prototype.stepOf = function (item) {
    var script = this.scripts.get(item.script);
    return script ? script.steps.get(item.step) : null;
  };

  Consult.prototype.step = function () {
    return this.stepOf(this.item());
  };

  Consult.prototype.branchTo = function (from, to) {
    var step = this.stepOf(from);
    if (!step) return null;
    for (var i = 0; i < step.branches.length; i++) {
      var branch = step.branches[i];
      if (branch.handoff) {
        if (branch.handoff.script === to.script && branch.handoff.step === to.step) return branch;
      } else if (!branch.missing && from.script === to.script && branch.go === to.step) {
        return branch;
      }
    }
    return null;
  };

  /* Another script's page, fetched from this site and read like this one (once). */
  Consult.prototype.load = function (handoff) {
    var self = this;
    if (this.scripts.has(handoff.script)) return Promise.resolve(this.scripts.get(handoff.script));
    if (this.loading.has(handoff.script)) return this.loading.get(handoff.script);
    var url = new URL(handoff.href);
    url.hash = "";
    if (url.origin !== location.origin) return Promise.reject(new Error("not this site"));
    var promise = fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var root = Array.prototype.find.call(doc.querySelectorAll(".cb-script[data-script-id]"), function (node) {
        return node.getAttribute("data-script-id") === handoff.script;
      });
      if (!root) throw new Error("no script " + handoff.script);
      var script = readScript(root, url.href);
      self.scripts.set(script.id, script);
      return script;
    });
    this.loading.set(handoff.script, promise);
    promise.catch(function () { self.loading.delete(handoff.script); });
    return promise;
  };

  /* A saved path is followed only along real branches; anything else (an old link to a
     script that has since changed) is cut at the first step that no longer fits. Steps in
     other scripts wait for those scripts to load: the returned promise settles then. */
  Consult.prototype.restore = function (saved) {
    var self = this;
    var path = [];
    var tokens = saved.tokens;
    var first = parseToken(tokens[0] || "", this.home);
    if (first.script !== this.home || !this.script.steps.has(first.step)) return null;
    path.push(first);

    function walk(i) {
      for (; i < tokens.length; i++) {
        var to = parseToken(tokens[i], self.home);
        var branch = self.branchTo(path[path.length - 1], to);
        if (!branch) break;
        if (branch.handoff && !self.scripts.has(to.script)) {
          return self.load(branch.handoff).then(function (script) {
            if (!script.steps.has(to.step)) return finish();
            path.push(to);
            return walk(i + 1);
          }, finish);
        }
        if (!self.stepOf(to)) break;
        path.push(to);
      }
      return finish();
    }

    function apply() {
      self.path = path.slice();
      self.checked = new Set(saved.checked.filter(function (key) {
        var cut = key.lastIndexOf(":");
        var script = self.scripts.get(key.slice(0, cut));
        return !!script && Number(key.slice(cut + 1)) < script.compliance.length;
      }));
    }

    function finish() {
      apply();
      return null;
    }

    var result = walk(1);
    if (result && typeof result.then === "function") {
      apply();  // show the steps known so far while the other scripts load
      return result;
    }
    return null;
  };

  Consult.prototype.go = function (target) {
    var self = this;
    var step = this.step();
    var branch = step.branches.filter(function (b) { return !b.missing && b.go === target; })[0];
    if (!branch) return;
    if (!branch.handoff) {
      this.move(this.path.concat([{ script: this.item().script, step: target }]));
      return;
    }
    var to = { script: branch.handoff.script, step: branch.handoff.step };
    if (this.scripts.has(to.script)) {
      this.move(this.path.concat([to]));
      return;
    }
    var from = this.path.slice();
    this.announce(L.handoffLoading);
    this.load(branch.handoff).then(function (script) {
      // The agent may have moved on meanwhile; follow only from where the click was.
      if (self.path.length !== from.length || self.item() !== from[from.length - 1]) return;
      if (script.steps.has(to.step)) self.move(from.concat([to]));
    }, function () {
      self.announce(L.handoffFailed);
      self.showHandoffFailure(branch);
    });
  };

  Consult.prototype.move = function (path) {
    this.path = path;
    this.clearUndo();
    this.changed();
  };

  Consult.prototype.back = function () {
    if (this.path.length < 2) return;
    this.move(this.path.slice(0, -1));
  };

  /* Back to the step of the script the call was handed off from. */
  Consult.prototype.returnBack = function () {
    var here = this.item().script;
    for (var i = this.path.length - 1; i >= 0; i--) {
      if (this.path[i].script !== here) {
        this.move(this.path.slice(0, i + 1));
        return;
      }
    }
  };

  Consult.prototype.jump = function (index) {
    if (!(index >= 0 && index < this.path.length - 1)) return;
    this.move(this.path.slice(0, index + 1));
  };

  /* A restart is a new call: nothing said yet. One key press must not lose a call's
     ticks and path for good, so it can be undone until the next move or tick. */
  Consult.prototype.restart = function () {
    var start = { script: this.home, step: this.script.start };
    if (this.path.length < 2 && this.item().script === this.home && this.item().step === start.step && !this.checked.size) return;
    this.undoState = { path: this.path.slice(), checked: new Set(this.checked) };
    this.path = [start];
    this.checked = new Set();
    this.changed();
  };

  Consult.prototype.undo = function () {
    if (!this.undoState) return;
    this.path = this.undoState.path;
    this.checked = this.undoState.checked;
    this.undoState = null;
    this.changed(L.undone);
  };

  Consult.prototype.clearUndo = function () {
    this.undoState = null;
    if (!this.undoBox.hidden) {
      this.undoBox.hidden = true;
      this.undoBox.textContent = "";
    }
  };

  Consult.prototype.pick = function (number) {
    var branch = this.step().branches[number - 1];
    if (branch && !branch.missing) this.go(branch.go);
    return !!branch;
  };

  Consult.prototype.changed = function (news) {
    this.save();
    this.render(true, news);
  };

  Consult.prototype.token = function (item) {
    return item.script === this.home ? item.step : item.script + ":" + item.step;
  };

  Consult.prototype.save = function () {
    var self = this;
    var hash = "#path=" + this.path.map(function (item) { return self.token(item); }).join("/");
    var checked = Array.from(this.checked).map(function (key) {
      var cut = key.lastIndexOf(":");
      return { script: key.slice(0, cut), index: Number(key.slice(cut + 1)) };
    }).sort(function (a, b) {
      return (a.script === self.home ? "" : a.script).localeCompare(b.script === self.home ? "" : b.script) || a.index - b.index;
    }).map(function (c) {
      return c.script === self.home ? String(c.index) : c.script + ":" + c.index;
    });
    if (checked.length) hash += "&checked=" + checked.join(",");
    // replaceState: no hashchange event, no page jump, and the browser's Back button
    // still leaves the page instead of replaying every click of the call.
    history.replaceState(history.state, "", hash);
  };

  Consult.prototype.resume = function () {
    // "#step-…" here is a click on a link in the full step list: let it scroll there.
    var saved = readHash(false, this.home);
    if (!saved) return;
    var pending = this.restore(saved);
    this.clearUndo();
    this.render(true);
    if (pending) pending.then(this.render.bind(this, true));
  };

  /* The scripts the path has passed through, in order of first visit. */
  Consult.prototype.visited = function () {
    var seen = [];
    this.path.forEach(function (item) {
      if (seen.indexOf(item.script) < 0) seen.push(item.script);
    });
    return seen;
  };

  /* A compliance line is on the path when it is placed nowhere (the whole script) and
     its script was visited, or when one of its steps is on the path. */
  Consult.prototype.onPath = function (scriptId, line) {
    if (!line.at.length) return true;
    return this.path.some(function (item) { return item.script === scriptId && line.at.indexOf(item.step) >= 0; });
  };

  Consult.prototype.lines = function () {
    var self = this;
    var out = [];
    this.visited().forEach(function (scriptId) {
      var script = self.scripts.get(scriptId);
      script.compliance.forEach(function (line, index) {
        out.push({ script: script, index: index, key: scriptId + ":" + index, text: line.text, at: line.at, onPath: self.onPath(scriptId, line) });
      });
    });
    return out;
  };

  Consult.prototype.render = function (announce, news) {
    var self = this;
    var item = this.item();
    var script = this.scripts.get(item.script);
    var step = this.step();
    var hadFocus = this.root.contains(document.activeElement);

    this.backButton.disabled = this.path.length < 2;
    this.renderReview(script);
    this.renderContext(script);
    this.renderFrom();

    this.trail.textContent = "";
    this.trail.hidden = this.path.length < 2;  // one step: the heading already says it
    this.path.forEach(function (entry, index) {
      var li = el("li");
      var previous = self.path[index - 1];
      if (previous && previous.script !== entry.script) {
        li.setAttribute("data-trail-handoff", entry.script);
        li.appendChild(el("span", { class: "cb-trail-script" }, self.scripts.get(entry.script).title + ": "));
      }
      var title = self.stepOf(entry).label;
      if (index === self.path.length - 1) {
        li.setAttribute("aria-current", "step");
        li.appendChild(el("span", {}, title));
      } else {
        li.appendChild(el("button", { type: "button", class: "cb-trail-step", "data-action": "jump", "data-index": String(index) }, title));
      }
      self.trail.appendChild(li);
    });

    this.current.setAttribute("data-step-id", step.id);
    this.current.setAttribute("data-current-script", script.id);
    var heading = this.title;
    heading.textContent = "";
    if (script.id !== this.home) heading.appendChild(el("span", { class: "cb-current-script" }, script.title));
    heading.appendChild(document.createTextNode(step.label));
    if (step.id === script.start) heading.appendChild(el("span", { class: "cb-start" }, L.start));
    var current = this.body;
    current.textContent = "";

    var say = this.part(script, step, ".cb-say", "cb-current-say", L.say);
    if (say) {
      say.setAttribute("data-say", "");
      var copy = el("button", { type: "button", class: "cb-btn cb-copy", "data-action": "copy" }, L.copy);
      say.querySelector(".cb-label").after(copy);
      current.appendChild(say);
    }
    var here = script.compliance.filter(function (line) { return line.at.indexOf(step.id) >= 0; });
    if (here.length) {
      var must = el("div", { class: "cb-current-must" });
      must.appendChild(el("span", { class: "cb-label" }, L.mustSay));
      var list = el("ul");
      here.forEach(function (line) { list.appendChild(el("li", {}, line.text)); });
      must.appendChild(list);
      current.appendChild(must);
    }
    var critical = this.criticalCriteria(step);  // what QA fails the call on, if missed here
    if (critical) current.appendChild(critical);
    ["listen", "tip"].forEach(function (part) {
      var block = self.part(script, step, ".cb-" + part, "cb-current-" + part, L[part]);
      if (block) current.appendChild(block);
    });

    if (step.branches.length) {
      var choices = el("div", { class: "cb-choices", role: "group", "aria-label": L.choices });
      step.branches.forEach(function (branch, index) {
        var attrs = { type: "button", class: "cb-choice", "data-go": branch.go };
        if (index < 9) attrs["aria-keyshortcuts"] = String(index + 1);
        if (branch.missing) attrs.disabled = "";
        var button = el("button", attrs);
        if (index < 9) button.appendChild(el("span", { class: "cb-choice-key", "aria-hidden": "true" }, String(index + 1)));
        button.appendChild(el("span", { class: "cb-choice-text" }, branch.when));
        if (branch.handoff || branch.missing) {
          button.classList.add("cb-choice-handoff");
          var where = branch.missing ? L.handoffMissing : L.handoff + ": " + branch.handoff.title;
          button.appendChild(el("span", { class: "cb-choice-where" }, "↪ " + where));
        }
        choices.appendChild(button);
      });
      current.appendChild(choices);
    }
    this.outcomeBox = null;
    if (step.outcome) {
      this.outcomeBox = el("div", { class: "cb-outcome", "data-outcome": step.outcome });
      current.appendChild(this.outcomeBox);
    }
    this.renderChecklist(step, script);
    this.renderOutcome();
    this.renderUndo();

    this.source.dispatchEvent(new CustomEvent("cb:step", { detail: this.flowState() }));
    if (!announce) return;
    if (!hadFocus || !this.root.contains(document.activeElement)) {
      heading.focus({ preventScroll: true });
    }
    this.bringIntoView();
    var message = (news ? news + " " : "") + step.label + ". " + (say ? say.querySelector(".cb-md").textContent.trim() : "");
    if (step.outcome) message += " " + this.outcomeBox.textContent;
    this.announce(message);
  };

  /* What the flowchart of this page marks: the steps of this script on the path, and,
     while the call is in another script, the hand-off it went through. */
  Consult.prototype.flowState = function () {
    var home = this.home;
    var steps = [];
    var handoff = null;
    for (var i = 0; i < this.path.length; i++) {
      var entry = this.path[i];
      if (entry.script === home) {
        steps.push(entry.step);
        handoff = null;
      } else if (!handoff) {
        handoff = entry.script + "#" + entry.step;
      }
    }
    var last = this.item();
    return { path: steps, current: last.script === home ? last.step : null, handoff: handoff };
  };

  /* The line to say, fully in sight below the sticky header, with its heading if both
     fit; left alone when it is already in sight, so the page never jumps needlessly. */
  Consult.prototype.bringIntoView = function () {
    var say = this.body.querySelector("[data-say]") || this.body;
    var header = document.querySelector(".md-header");
    var top = 8;
    if (header) {
      var position = getComputedStyle(header).position;
      if (position === "fixed" || position === "sticky") top += Math.max(0, header.getBoundingClientRect().bottom);
    }
    var bottom = window.innerHeight - 8;
    var box = say.getBoundingClientRect();
    // A stale warning (a script past its review date, perhaps just handed off into) must be
    // seen too: in view with the line to say when both fit, else the line to say wins.
    var stale = this.staleBox && !this.staleBox.hidden ? this.staleBox.getBoundingClientRect() : null;
    if (stale && box.bottom - stale.top > bottom - top) stale = null;
    if (box.top >= top && box.bottom <= bottom && (!stale || stale.top >= top)) return;
    var start = stale ? stale.top : this.current.getBoundingClientRect().top;
    var target = box.bottom - start <= bottom - top ? start : box.top;
    window.scrollBy({ top: target - top, left: 0, behavior: "instant" });
  };

  Consult.prototype.renderReview = function (script) {
    var box = this.staleBox;
    if (!script.review) {
      box.hidden = true;
      box.removeAttribute("data-stale");
      box.textContent = "";
      return;
    }
    box.hidden = false;
    box.setAttribute("data-stale", script.id);
    box.textContent = "⚠ " + staleWarning(script.review);
  };

  /* Scenario and goal, folded: known before the call, one click away during it. */
  Consult.prototype.renderContext = function (script) {
    var box = this.contextBox;
    if (box.getAttribute("data-context-of") === script.id) return;  // keep it open or shut
    box.textContent = "";
    box.setAttribute("data-context-of", script.id);
    if (!script.context) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    var list = script.context.cloneNode(true);
    list.className = "cb-context-list";  // the page's own .cb-context stays the only one
    list.hidden = true;
    list.id = "cb-context-" + script.id;
    var toggle = el("button", { type: "button", class: "cb-context-toggle", "aria-expanded": "false", "aria-controls": list.id }, L.context);
    toggle.addEventListener("click", function () {
      list.hidden = !list.hidden;
      toggle.setAttribute("aria-expanded", String(!list.hidden));
    });
    box.appendChild(toggle);
    box.appendChild(list);
  };

  Consult.prototype.renderFrom = function () {
    var box = this.fromBox;
    var here = this.item().script;
    var from = null;
    for (var i = this.path.length - 1; i >= 0; i--) {
      if (this.path[i].script !== here) {
        from = this.path[i];
        break;
      }
    }
    box.textContent = "";
    if (!from) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.setAttribute("data-from", from.script);
    box.appendChild(el("span", {}, "↪ " + handedFrom(this.scripts.get(from.script).title, this.stepOf(from).label) + " "));
    box.appendChild(el("button", { type: "button", class: "cb-btn", "data-action": "return" }, "← " + L.returnTo));
  };

  Consult.prototype.renderUndo = function () {
    var box = this.undoBox;
    box.textContent = "";
    if (!this.undoState) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.appendChild(el("span", {}, L.restarted + " "));
    box.appendChild(el("button", { type: "button", class: "cb-btn", "data-action": "undo" }, "↶ " + L.undo));
  };

  /* Every line of every script the call has visited; the lines of this step marked, the
     lines of steps off the path dimmed (they may still come). */
  Consult.prototype.renderChecklist = function (step, script) {
    var self = this;
    var box = this.checklist;
    var lines = this.lines();
    box.textContent = "";
    box.hidden = !lines.length;
    if (!lines.length) return;
    box.appendChild(el("legend", {}, L.checklist));
    var group = null;
    lines.forEach(function (line) {
      if (line.script.id !== self.home && group !== line.script.id) {
        group = line.script.id;
        box.appendChild(el("p", { class: "cb-check-script" }, line.script.title));
      }
      var label = el("label", { class: "cb-check" });
      var attrs = { type: "checkbox", "data-compliance-key": line.key, "data-compliance-index": String(line.index) };
      if (line.script.id !== self.home) attrs["data-compliance-script"] = line.script.id;
      var input = el("input", attrs);
      input.checked = self.checked.has(line.key);
      label.appendChild(input);
      label.appendChild(el("span", { class: "cb-check-text" }, line.text));
      if (line.script === script && line.at.indexOf(step.id) >= 0) {
        label.classList.add("cb-check-now");
        label.appendChild(el("span", { class: "cb-check-tag" }, L.now));
      } else if (!line.onPath) {
        label.classList.add("cb-check-later");
      }
      box.appendChild(label);
    });
  };

  Consult.prototype.renderChecklistState = function () {
    var self = this;
    this.checklist.querySelectorAll("input[data-compliance-key]").forEach(function (input) {
      input.checked = self.checked.has(input.getAttribute("data-compliance-key"));
    });
  };

  /* The say / listen / tip block of a step, cloned from its page. */
  Consult.prototype.part = function (script, step, selector, className, labelText) {
    var original = step.section.querySelector(selector + " > .cb-md");
    if (!original) return null;
    var block = el("div", { class: className });
    block.appendChild(el("span", { class: "cb-label" }, labelText));
    var body = document.importNode(original, true);
    body.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    if (script.id !== this.home) {
      // Relative links of another script's page are relative to that page.
      body.querySelectorAll("a[href]").forEach(function (a) {
        a.setAttribute("href", new URL(a.getAttribute("href"), script.base).href);
      });
    }
    block.appendChild(body);
    return block;
  };

  /* The critical QA criteria that grade this step (script.md.j2 lists every criterion
     that grades it): in consult mode they are what the agent must not miss here. */
  Consult.prototype.criticalCriteria = function (step) {
    var items = step.section.querySelectorAll(".cb-graded li[data-critical]");
    if (!items.length) return null;
    var block = el("div", { class: "cb-current-must", "data-must-say": "" });
    block.appendChild(el("span", { class: "cb-label" }, L.must));
    var list = el("ul");
    items.forEach(function (item) {
      var text = item.querySelector(".cb-graded-text");
      list.appendChild(el("li", {}, text ? text.textContent : item.textContent));
    });
    block.appendChild(list);
    return block;
  };

  Consult.prototype.renderOutcome = function () {
    var box = this.outcomeBox;
    if (!box) return;
    var self = this;
    var step = this.step();
    box.textContent = "";
    var title = el("p", { class: "cb-outcome-title" }, L.outcome + ": ");
    title.appendChild(el("strong", {}, step.outcomeLabel));
    box.appendChild(title);
    var lines = this.lines();
    var open = lines.filter(function (line) { return line.onPath && !self.checked.has(line.key); });
    if (open.length) {
      var warn = el("div", { class: "cb-unticked", "data-unticked": String(open.length) });
      warn.appendChild(el("p", {}, "⚠ " + L.unticked + " (" + open.length + ")"));
      var list = el("ul");
      open.forEach(function (line) { list.appendChild(el("li", {}, line.text)); });
      warn.appendChild(list);
      box.appendChild(warn);
    } else if (lines.length) {
      box.appendChild(el("p", { class: "cb-all-ticked" }, "✓ " + L.allTicked));
    }
    var actions = el("div", { class: "cb-outcome-actions" });
    actions.appendChild(el("button", { type: "button", class: "cb-btn", "data-action": "note" }, L.note));
    actions.appendChild(el("button", { type: "button", class: "cb-btn", "data-action": "restart" }, L.newCall));
    box.appendChild(actions);
  };

  /* The call note for the CRM, as plain text: what was followed, what was said. */
  Consult.prototype.note = function (when) {
    var self = this;
    var step = this.step();
    var titles = this.visited().map(function (id) { return self.scripts.get(id).title; });
    var route = this.path.map(function (item, index) {
      var label = self.stepOf(item).label;
      var previous = self.path[index - 1];
      return previous && previous.script !== item.script ? "[" + self.scripts.get(item.script).title + "] " + label : label;
    });
    var lines = this.lines();
    var said = lines.filter(function (line) { return self.checked.has(line.key); });
    var notSaid = lines.filter(function (line) { return line.onPath && !self.checked.has(line.key); });
    function list(items) {
      return items.length ? items.map(function (line) { return "- " + line.text; }) : [L.noteNone];
    }
    return [
      "[" + L.noteTitle + "] " + titles.join(" → "),
      L.noteTime + ": " + localTime(when),
      L.outcome + ": " + (step.outcomeLabel || ""),
      L.notePath + ": " + route.join(" → "),
      L.noteSaid + ":"
    ].concat(list(said), [L.noteNotSaid + ":"], list(notSaid)).join("\n");
  };

  Consult.prototype.copyNote = function (button) {
    var self = this;
    copyText(this.note(new Date())).then(function () {
      button.textContent = L.copied;
      self.announce(L.noteCopied);
      setTimeout(function () { if (button.isConnected) button.textContent = L.note; }, 1500);
    }, function () {
      self.announce(L.noteFailed);
    }).then(function () {
      if (button.isConnected) button.focus({ preventScroll: true });
    });
  };

  Consult.prototype.showHandoffFailure = function (branch) {
    var old = this.body.querySelector(".cb-handoff-failed");
    if (old) old.remove();
    var box = el("p", { class: "cb-handoff-failed", role: "alert" }, L.handoffFailed + " ");
    box.appendChild(el("a", { href: branch.handoff.href }, branch.handoff.title));
    // Right under the line to say, where the agent is looking, and on the screen.
    var say = this.current.querySelector("[data-say]");
    if (say) say.after(box); else this.body.appendChild(box);
    box.scrollIntoView({ block: "nearest" });
  };

  Consult.prototype.copy = function (button) {
    var body = this.current.querySelector(".cb-current-say > .cb-md");
    var text = body ? (body.innerText || body.textContent).trim() : "";
    var self = this;
    copyText(text).then(function () {
      button.textContent = L.copied;
      self.announce(L.copiedNews);
      setTimeout(function () { button.textContent = L.copy; }, 1500);
    }, function () {
      self.announce(L.copyFailed);
    }).then(function () {
      if (button.isConnected) button.focus({ preventScroll: true });
    });
  };

  Consult.prototype.announce = function (message) {
    var live = this.live;
    live.textContent = "";
    // A fresh text node after a tick, so screen readers announce even a repeated message.
    setTimeout(function () { live.textContent = message; }, 50);
  };

  Consult.prototype.onKey = function (event) {
    if (event.key >= "1" && event.key <= "9" && event.key.length === 1) {
      if (this.pick(Number(event.key))) event.preventDefault();
    } else if (event.key === "Backspace") {
      event.preventDefault();
      this.back();
    } else if (event.key === "Home") {
      event.preventDefault();
      this.restart();
    }
  };

  /* ------------------------------------------------------------ flowchart */

  var mermaidLoading = null;
  var flowCount = 0;

  function loadMermaid() {
    if (window.mermaid) return Promise.resolve(window.mermaid);
    if (!mermaidLoading) {
      mermaidLoading = new Promise(function (resolve, reject) {
        var tag = el("script", { src: MERMAID_URL });
        tag.onload = function () { resolve(window.mermaid); };
        tag.onerror = function () { mermaidLoading = null; reject(new Error("mermaid did not load")); };
        document.head.appendChild(tag);
      });
    }
    return mermaidLoading;
  }

  /* The flowchart has two views of one script: the step list the page already has
     (readable at any width; the first view in a narrow window) and the chart Mermaid
     draws from the page's data island (the first view in a wide one). Both mark the
     current step and keep it in sight inside their own box, never by scrolling the page. */
  function Flow(container, data, source) {
    var self = this;
    this.container = container;
    this.data = data;
    this.state = { path: [], current: null, handoff: null };
    this.drawn = false;
    this.list = container.querySelector(".cb-flow-list");
    this.status = el("p", { class: "cb-flow-status", hidden: "" });
    this.canvas = el("div", { class: "cb-flow-diagram", role: "img", "aria-label": L.flowTitle, tabindex: "0", hidden: "" });
    var bar = el("div", { class: "cb-flow-bar" });
    this.viewButton = el("button", { type: "button", class: "cb-btn cb-flow-view" });
    this.viewButton.addEventListener("click", function () {
      self.show(self.view === "chart" ? "list" : "chart");
    });
    // Full size keeps labels readable (the chart scrolls inside its own box, never the
    // page); "fit" shows the whole shape at once.
    var fit = el("button", { type: "button", class: "cb-btn cb-flow-size", "aria-pressed": "false", hidden: "" }, L.flowFit);
    fit.addEventListener("click", function () {
      var on = container.classList.toggle("cb-flow-fit");
      fit.setAttribute("aria-pressed", String(on));
    });
    this.fitButton = fit;
    if (data && MERMAID_URL) bar.appendChild(this.viewButton);
    bar.appendChild(fit);
    container.insertBefore(bar, container.firstChild);
    container.appendChild(this.status);
    container.appendChild(this.canvas);
    if (source) {
      source.addEventListener("cb:step", function (event) {
        self.state = event.detail;
        self.highlight();
      });
    }
    var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
    this.show(data && MERMAID_URL && !narrow ? "chart" : "list");
  }

  Flow.prototype.show = function (view) {
    this.view = view;
    this.container.setAttribute("data-flow-view", view);
    var chart = view === "chart";
    if (this.list) this.list.hidden = chart;
    this.canvas.hidden = !chart || !this.drawn;
    this.fitButton.hidden = !chart || !this.drawn;
    this.status.hidden = !chart || this.drawn;
    this.viewButton.textContent = chart ? L.flowList : L.flowChart;
    if (chart && !this.drawn) this.watch();
    this.highlight();
  };

  Flow.prototype.watch = function () {
    var self = this;
    if (this.watching) return;
    this.watching = true;
    if (!("IntersectionObserver" in window)) {
      this.draw();
      return;
    }
    // Mermaid is large; an agent who never looks at the chart never pays for it.
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        self.draw();
      }
    }, { rootMargin: "300px" });
    observer.observe(this.container);
    new MutationObserver(function () {
      if (self.drawn) self.draw();
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  };

  Flow.prototype.draw = function () {
    var self = this;
    this.status.textContent = L.flowLoading;
    return loadMermaid().then(function (mermaid) {
      var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: dark ? "dark" : "default",
        // Mermaid's dark edge labels (#ccc on #585858) miss the 4.5:1 contrast minimum.
        themeVariables: dark ? { edgeLabelBackground: "#3a3a3a", fontSize: "14px" } : { fontSize: "14px" },
        fontFamily: getComputedStyle(self.container).fontFamily,
        maxTextSize: 1000000,
        // Labels wrap at about ten Hangul syllables, so a step with four branches stays
        // a few hundred pixels wide instead of thousands.
        flowchart: { htmlLabels: true, useMaxWidth: false, wrappingWidth: 120, nodeSpacing: 20, rankSpacing: 40, padding: 6 }
      });
      flowCount += 1;
      return mermaid.render("cb-flow-svg-" + flowCount, self.data.mermaid);
    }).then(function (result) {
      // Mermaid's output passed its DOMPurify (securityLevel "strict"), and every label
      // arrived as character references: the SVG holds text, never markup from the library.
      self.canvas.innerHTML = result.svg;
      self.drawn = true;
      self.indexNodes();
      self.show(self.view);
    }).catch(function () {
      self.status.hidden = false;
      self.status.textContent = L.flowError;
    });
  };

  Flow.prototype.indexNodes = function () {
    var nodes = this.data.nodes;
    var handoffs = this.data.handoffs || {};
    this.nodeOf = new Map();
    this.handoffOf = new Map();
    var self = this;
    this.canvas.querySelectorAll("g.node").forEach(function (g) {
      var key = g.getAttribute("data-id");
      if (!key) {
        var match = /flowchart-([nh]\d+)-\d+$/.exec(g.id || "");
        key = match && match[1];
      }
      if (key && nodes[key]) {
        g.setAttribute("data-flow-step", nodes[key]);
        self.nodeOf.set(nodes[key], g);
      } else if (key && handoffs[key]) {
        // A hand-off node links to the other script's page (a link the generator made;
        // Mermaid's own click links are off under securityLevel "strict").
        g.setAttribute("data-flow-handoff", handoffs[key].go);
        self.handoffOf.set(handoffs[key].go, g);
        if (handoffs[key].href) {
          var link = document.createElementNS("http://www.w3.org/2000/svg", "a");
          link.setAttribute("href", handoffs[key].href);
          link.setAttribute("class", "cb-flow-link");
          g.parentNode.insertBefore(link, g);
          link.appendChild(g);
        }
      }
    });
  };

  Flow.prototype.highlight = function () {
    var state = this.state;
    if (this.view === "list" && this.list) {
      var currentItem = null;
      this.list.querySelectorAll("li[data-flow-item]").forEach(function (li) {
        var step = li.getAttribute("data-flow-item");
        var isCurrent = state.current === step;
        li.classList.toggle("cb-flow-visited", state.path.indexOf(step) >= 0);
        li.classList.toggle("cb-flow-current", isCurrent);
        if (isCurrent) {
          li.setAttribute("aria-current", "step");
          currentItem = li;
        } else {
          li.removeAttribute("aria-current");
        }
      });
      this.list.querySelectorAll("a[data-flow-handoff]").forEach(function (a) {
        var on = state.handoff === a.getAttribute("data-flow-handoff") && state.current === null;
        a.classList.toggle("cb-flow-current", on);
        if (on) currentItem = a.closest("li[data-flow-item]");
      });
      keepInBox(this.list, currentItem);
      return;
    }
    if (!this.nodeOf) return;
    this.nodeOf.forEach(function (g, step) {
      g.classList.toggle("cb-flow-visited", state.path.indexOf(step) >= 0);
      g.classList.toggle("cb-flow-current", state.current === step);
    });
    var handoffNode = null;
    this.handoffOf.forEach(function (g, go) {
      var on = state.current === null && state.handoff === go;
      g.classList.toggle("cb-flow-current", on);
      if (on) handoffNode = g;
    });
    keepInBox(this.canvas, handoffNode || this.nodeOf.get(state.current));
  };

  /* Scroll a box (never the page) so that an element inside it is in the middle. */
  function keepInBox(box, target) {
    if (!box || !target || box.hidden) return;
    var inner = target.getBoundingClientRect();
    var area = box.getBoundingClientRect();
    if (box.scrollWidth > box.clientWidth) box.scrollLeft += inner.left + inner.width / 2 - (area.left + area.width / 2);
    if (box.scrollHeight > box.clientHeight) box.scrollTop += inner.top + inner.height / 2 - (area.top + area.height / 2);
  }

  /* ------------------------------------------------------------ objections */

  function setupObjections(box) {
    var items = Array.prototype.slice.call(box.querySelectorAll(".cb-objection"));
    if (!items.length) return;
    var texts = items.map(function (item) { return norm(item.textContent).replace(/\s+/g, ""); });
    var id = "cb-objection-search-" + Math.random().toString(36).slice(2, 8);
    var form = el("div", { class: "cb-objection-search", role: "search" });
    form.appendChild(el("label", { for: id }, L.search));
    var input = el("input", { type: "search", id: id, placeholder: L.searchHint, autocomplete: "off", "aria-describedby": id + "-count" });
    form.appendChild(input);
    var count = el("p", { class: "cb-objection-count", id: id + "-count", role: "status", "aria-live": "polite" });
    form.appendChild(count);
    box.insertBefore(form, box.firstChild);

    function filter() {
      // Word order and spacing vary in speech ("다른회사" / "다른 회사"): every word typed
      // must appear somewhere, spaces ignored.
      var words = norm(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item, index) {
        var hit = words.every(function (word) { return texts[index].indexOf(word) >= 0; });
        item.hidden = !hit;
        if (hit) shown += 1;
      });
      count.textContent = !words.length ? "" : shown ? matchesLabel(shown, items.length) : L.noMatch;
    }
    input.addEventListener("input", filter);
  }

  /* ------------------------------------------------------------ start-up */

  var active = null;

  function init() {
    document.querySelectorAll(".cb-script[data-start]:not([data-consult-ready])").forEach(function (source) {
      source.setAttribute("data-consult-ready", "");
      active = new Consult(source);
    });
    document.querySelectorAll(".cb-flow:not([data-flow-ready])").forEach(function (container) {
      container.setAttribute("data-flow-ready", "");
      var island = document.querySelector(".cb-flow-data");
      var data = null;
      try {
        data = island ? JSON.parse(island.textContent) : null;
      } catch (error) {
        data = null;  // the step list still works
      }
      var scriptId = container.getAttribute("data-script-id") || "";
      var source = document.querySelector('.cb-script[data-script-id="' + CSS.escape(scriptId) + '"]');
      var flow = new Flow(container, data, source);
      if (active && active.source === source) {
        flow.state = active.flowState();
        flow.highlight();
      }
    });
    document.querySelectorAll(".cb-objections:not([data-filter-ready])").forEach(function (box) {
      box.setAttribute("data-filter-ready", "");
      setupObjections(box);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (!active || !active.root.isConnected) return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) return;
    active.onKey(event);
  });
  // A link within the page (the table of contents, the skip link, a step in the step
  // list) would replace the address's #path=…, and a reload would lose the call: scroll
  // to its target instead and keep the address.
  document.addEventListener("click", function (event) {
    if (!active || !active.root.isConnected || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var link = event.target && event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link) return;
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (!id || id.indexOf("path=") === 0) return;
    event.preventDefault();
    var target = document.getElementById(id);
    if (target && target.getClientRects().length) target.scrollIntoView();
  }, true);
  window.addEventListener("hashchange", function () {
    if (active && active.root.isConnected) active.resume();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
