/* Craftbook consult mode: step through a script during a live call, beside the CRM.
 *
 * The generator writes every step of a script into the page (progressive
 * enhancement; see generator/templates/script.md.j2). This file reads those elements
 * and builds, on top of them: the one-step-at-a-time consult view, the compliance
 * checklist, the flowchart (drawn by the vendored Mermaid, loaded only when the
 * chart comes into view) and the objection filter. Nothing here makes a request to
 * another host, and text from the library only ever reaches the DOM as text
 * (textContent) or as the generator's already-sanitised HTML (cloned nodes).
 */
(function () {
  "use strict";

  var SELF = document.currentScript ? document.currentScript.src : "";
  var MERMAID_URL = SELF ? new URL("vendor/mermaid/mermaid.min.js", SELF).href : "";

  var L = {
    panel: "상담 진행",
    back: "이전 단계",
    restart: "처음부터",
    trail: "지나온 단계",
    say: "말하기",
    listen: "들을 것",
    tip: "팁",
    must: "반드시 지킬 것 (QA 치명 항목)",
    copy: "복사",
    copied: "복사됨",
    copiedNews: "말할 문장을 복사했습니다.",
    copyFailed: "복사하지 못했습니다. 문장을 직접 선택해 복사하세요.",
    choices: "고객 반응 고르기",
    outcome: "결과",
    checklist: "반드시 안내할 문구",
    unticked: "아직 안내하지 않은 문구",
    allTicked: "반드시 안내할 문구를 모두 안내했습니다.",
    newCall: "새 상담 시작",
    showAll: "모든 단계 펼쳐 보기",
    hideAll: "모든 단계 접기",
    keys: "키보드: 숫자 1–9 고르기 · Backspace 이전 · Home 처음부터",
    start: "시작",
    search: "반론 찾기",
    searchHint: "고객이 한 말을 입력하세요",
    noMatch: "맞는 반론이 없습니다.",
    flowError: "흐름도를 그리지 못했습니다. 위의 상담 단계를 보세요.",
    flowLoading: "흐름도를 그리는 중입니다…",
    flowTitle: "상담 스크립트 흐름도",
    flowFit: "화면에 맞추기"
  };

  function matchesLabel(shown, total) {
    return "반론 " + total + "건 중 " + shown + "건";
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

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Intranet sites are often plain http, where the Clipboard API is missing.
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { readonly: "", "aria-hidden": "true", class: "cb-copy-buffer" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  /* ------------------------------------------------------------ the script */

  function readScript(root) {
    var steps = new Map();
    root.querySelectorAll("section.cb-step[data-step]").forEach(function (section) {
      steps.set(section.getAttribute("data-step"), {
        id: section.getAttribute("data-step"),
        number: section.getAttribute("data-step-number") || "",
        section: section,
        outcome: section.getAttribute("data-step-outcome"),
        outcomeLabel: section.getAttribute("data-outcome-label") || section.getAttribute("data-step-outcome"),
        branches: Array.prototype.map.call(section.querySelectorAll("a.cb-branch[data-target]"), function (a) {
          return { go: a.getAttribute("data-target"), when: a.textContent };
        })
      });
    });
    return {
      id: root.getAttribute("data-script-id") || "",
      start: root.getAttribute("data-start"),
      steps: steps,
      compliance: Array.prototype.map.call(root.querySelectorAll(".cb-compliance > li"), function (li) {
        return li.textContent;
      })
    };
  }

  function stepTitle(step) {
    return (step.number ? step.number + ". " : "") + step.id;
  }

  /* A path is valid only along real branches; anything else (an old link to a script
     that has since changed) is cut at the first step that no longer fits. */
  function validPath(script, ids) {
    var path = [];
    for (var i = 0; i < ids.length; i++) {
      var step = script.steps.get(ids[i]);
      if (!step) break;
      if (path.length) {
        var previous = script.steps.get(path[path.length - 1]);
        if (!previous.branches.some(function (b) { return b.go === step.id; })) break;
      }
      path.push(step.id);
    }
    return path;
  }

  function readHash(script, allowStep) {
    var hash = location.hash.replace(/^#/, "");
    try {
      hash = decodeURIComponent(hash);
    } catch (error) {
      return null;
    }
    if (allowStep && hash.indexOf("step-") === 0 && script.steps.has(hash.slice(5))) {
      return { path: [hash.slice(5)], checked: [] };  // a link to one step of the static page
    }
    var params = {};
    hash.split("&").forEach(function (pair) {
      var cut = pair.indexOf("=");
      if (cut > 0) params[pair.slice(0, cut)] = pair.slice(cut + 1);
    });
    if (!params.path) return null;
    var path = validPath(script, params.path.split("/"));
    if (!path.length) return null;
    var checked = (params.checked || "").split(",").map(Number).filter(function (n) {
      return Number.isInteger(n) && n >= 0 && n < script.compliance.length;
    });
    return { path: path, checked: checked };
  }

  /* ------------------------------------------------------------ consult view */

  function Consult(source) {
    this.source = source;
    this.script = readScript(source);
    this.path = [this.script.start];
    this.checked = new Set();
    this.build();
    var saved = readHash(this.script, true);
    if (saved) {
      this.path = saved.path;
      this.checked = new Set(saved.checked);
    }
    this.render(false);
  }

  Consult.prototype.build = function () {
    var self = this;
    var script = this.script;
    var root = el("section", { class: "cb-consult", "data-consult": "", "aria-label": L.panel });

    // The current step: a fixed head (title, back, restart) and trail, then a body
    // rebuilt on every move, so the back button keeps its place and its focus.
    this.current = el("div", { class: "cb-current" });
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

    this.body = el("div", { class: "cb-current-body" });
    this.current.appendChild(this.body);
    root.appendChild(this.current);

    if (script.compliance.length) {
      var box = el("fieldset", { class: "cb-checklist" });
      box.appendChild(el("legend", {}, L.checklist));
      this.boxes = script.compliance.map(function (line, index) {
        var label = el("label", { class: "cb-check" });
        var input = el("input", { type: "checkbox", "data-compliance-index": String(index) });
        label.appendChild(input);
        label.appendChild(el("span", {}, line));
        box.appendChild(label);
        return input;
      });
      root.appendChild(box);
      var staticList = this.source.querySelector(".cb-compliance-block");
      if (staticList) staticList.hidden = true;
    } else {
      this.boxes = [];
    }

    root.appendChild(el("p", { class: "cb-keys" }, L.keys));
    this.live = el("p", { class: "cb-sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    root.appendChild(this.live);

    var staticSteps = this.source.querySelector(".cb-steps");
    if (staticSteps) {
      staticSteps.id = staticSteps.id || "cb-steps-" + (script.id || "script");
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
      if (button.hasAttribute("data-go")) self.go(button.getAttribute("data-go"));
      else if (button.getAttribute("data-action") === "back") self.back();
      else if (button.getAttribute("data-action") === "restart") self.restart();
      else if (button.getAttribute("data-action") === "jump") self.jump(Number(button.getAttribute("data-index")));
      else if (button.getAttribute("data-action") === "copy") self.copy(button);
    });
    root.addEventListener("change", function (event) {
      var index = event.target.getAttribute("data-compliance-index");
      if (index === null) return;
      if (event.target.checked) self.checked.add(Number(index));
      else self.checked.delete(Number(index));
      self.save();
      self.renderOutcome();
    });

    this.root = root;
    this.source.insertBefore(root, this.source.firstChild);
  };

  Consult.prototype.step = function () {
    return this.script.steps.get(this.path[this.path.length - 1]);
  };

  Consult.prototype.go = function (target) {
    var step = this.step();
    if (!step.branches.some(function (b) { return b.go === target; })) return;
    this.path.push(target);
    this.changed();
  };

  Consult.prototype.back = function () {
    if (this.path.length < 2) return;
    this.path.pop();
    this.changed();
  };

  Consult.prototype.jump = function (index) {
    if (!(index >= 0 && index < this.path.length - 1)) return;
    this.path = this.path.slice(0, index + 1);
    this.changed();
  };

  Consult.prototype.restart = function () {
    this.path = [this.script.start];
    this.checked.clear();  // a restart is a new call: nothing has been said yet
    this.changed();
  };

  Consult.prototype.pick = function (number) {
    var branch = this.step().branches[number - 1];
    if (branch) this.go(branch.go);
    return !!branch;
  };

  Consult.prototype.changed = function () {
    this.save();
    this.render(true);
  };

  Consult.prototype.save = function () {
    var hash = "#path=" + this.path.join("/");
    var checked = Array.from(this.checked).sort(function (a, b) { return a - b; });
    if (checked.length) hash += "&checked=" + checked.join(",");
    // replaceState: no hashchange event, no page jump, and the browser's Back button
    // still leaves the page instead of replaying every click of the call.
    history.replaceState(history.state, "", hash);
  };

  Consult.prototype.resume = function () {
    // "#step-…" here is a click on a link in the full step list: let it scroll there.
    var saved = readHash(this.script, false);
    if (!saved) return;
    this.path = saved.path;
    this.checked = new Set(saved.checked);
    this.render(true);
  };

  Consult.prototype.render = function (announce) {
    var self = this;
    var step = this.step();
    var hadFocus = this.root.contains(document.activeElement);

    this.boxes.forEach(function (box, index) {
      box.checked = self.checked.has(index);
    });
    this.backButton.disabled = this.path.length < 2;

    this.trail.textContent = "";
    this.path.forEach(function (id, index) {
      var item = el("li");
      var title = stepTitle(self.script.steps.get(id));
      if (index === self.path.length - 1) {
        item.setAttribute("aria-current", "step");
        item.appendChild(el("span", {}, title));
      } else {
        item.appendChild(el("button", { type: "button", class: "cb-trail-step", "data-action": "jump", "data-index": String(index) }, title));
      }
      self.trail.appendChild(item);
    });

    this.current.setAttribute("data-step-id", step.id);
    var heading = this.title;
    heading.textContent = stepTitle(step);
    if (step.id === this.script.start) heading.appendChild(el("span", { class: "cb-start" }, L.start));
    var current = this.body;
    current.textContent = "";

    var say = this.part(step, ".cb-say", "cb-current-say", L.say);
    if (say) {
      var copy = el("button", { type: "button", class: "cb-btn cb-copy", "data-action": "copy" }, L.copy);
      say.querySelector(".cb-label").after(copy);
      current.appendChild(say);
    }
    var must = this.mustSay(step);  // right under the line to say: what must not be missed here
    if (must) current.appendChild(must);
    ["listen", "tip"].forEach(function (part) {
      var block = self.part(step, ".cb-" + part, "cb-current-" + part, L[part]);
      if (block) current.appendChild(block);
    });

    if (step.branches.length) {
      var choices = el("div", { class: "cb-choices", role: "group", "aria-label": L.choices });
      step.branches.forEach(function (branch, index) {
        var attrs = { type: "button", class: "cb-choice", "data-go": branch.go };
        if (index < 9) attrs["aria-keyshortcuts"] = String(index + 1);
        var button = el("button", attrs);
        if (index < 9) button.appendChild(el("span", { class: "cb-choice-key", "aria-hidden": "true" }, String(index + 1)));
        button.appendChild(el("span", { class: "cb-choice-text" }, branch.when));
        choices.appendChild(button);
      });
      current.appendChild(choices);
    }
    this.outcomeBox = null;
    if (step.outcome) {
      this.outcomeBox = el("div", { class: "cb-outcome", "data-outcome": step.outcome });
      current.appendChild(this.outcomeBox);
      this.renderOutcome();
    }

    this.source.dispatchEvent(new CustomEvent("cb:step", { detail: { path: this.path.slice() } }));
    if (!announce) return;
    if (!hadFocus || !this.root.contains(document.activeElement)) {
      heading.focus({ preventScroll: true });
    }
    if (this.current.getBoundingClientRect().top < 0) this.current.scrollIntoView({ block: "start" });
    var message = stepTitle(step) + ". " + (say ? say.querySelector(".cb-md").textContent.trim() : "");
    if (step.outcome) message += " " + this.outcomeBox.textContent;
    this.announce(message);
  };

  /* The say / listen / tip block of a step, cloned from the static page. */
  Consult.prototype.part = function (step, selector, className, labelText) {
    var original = step.section.querySelector(selector + " > .cb-md");
    if (!original) return null;
    var block = el("div", { class: className });
    block.appendChild(el("span", { class: "cb-label" }, labelText));
    var body = original.cloneNode(true);
    body.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    block.appendChild(body);
    return block;
  };

  /* The critical QA criteria that grade this step (script.md.j2 lists every criterion
     that grades it): in consult mode they are what the agent must not miss here. */
  Consult.prototype.mustSay = function (step) {
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
    var open = this.script.compliance.filter(function (line, index) { return !self.checked.has(index); });
    if (open.length) {
      var warn = el("div", { class: "cb-unticked", "data-unticked": String(open.length) });
      warn.appendChild(el("p", {}, "⚠ " + L.unticked + " (" + open.length + ")"));
      var list = el("ul");
      open.forEach(function (line) { list.appendChild(el("li", {}, line)); });
      warn.appendChild(list);
      box.appendChild(warn);
    } else if (this.script.compliance.length) {
      box.appendChild(el("p", { class: "cb-all-ticked" }, "✓ " + L.allTicked));
    }
    box.appendChild(el("button", { type: "button", class: "cb-btn", "data-action": "restart" }, L.newCall));
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

  function Flow(container, data, source) {
    this.container = container;
    this.data = data;
    this.path = [];
    this.drawn = false;
    this.status = container.querySelector(".cb-flow-fallback") || el("p", { class: "cb-flow-fallback" });
    this.canvas = el("div", { class: "cb-flow-diagram", role: "img", "aria-label": L.flowTitle, tabindex: "0" });
    // Full size keeps labels readable in a narrow window (the chart scrolls inside its
    // own box, never the page); "fit" shows the whole shape at once.
    var fit = el("button", { type: "button", class: "cb-btn cb-flow-size", "aria-pressed": "false", hidden: "" }, L.flowFit);
    fit.addEventListener("click", function () {
      var on = container.classList.toggle("cb-flow-fit");
      fit.setAttribute("aria-pressed", String(on));
    });
    this.fitButton = fit;
    container.appendChild(fit);
    container.appendChild(this.canvas);
    var self = this;
    if (source) {
      source.addEventListener("cb:step", function (event) {
        self.path = event.detail.path;
        self.highlight();
      });
    }
  }

  Flow.prototype.watch = function () {
    var self = this;
    if (!("IntersectionObserver" in window)) return this.draw();
    // Mermaid is large; an agent who never scrolls to the chart never pays for it.
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
        themeVariables: dark ? { edgeLabelBackground: "#3a3a3a" } : {},
        fontFamily: getComputedStyle(self.container).fontFamily,
        maxTextSize: 1000000,
        flowchart: { htmlLabels: true, useMaxWidth: false }
      });
      flowCount += 1;
      return mermaid.render("cb-flow-svg-" + flowCount, self.data.mermaid);
    }).then(function (result) {
      // Mermaid's output passed its DOMPurify (securityLevel "strict"), and every label
      // arrived as character references: the SVG holds text, never markup from the library.
      self.canvas.innerHTML = result.svg;
      self.drawn = true;
      self.status.hidden = true;
      self.fitButton.hidden = false;
      self.indexNodes();
      self.highlight();
    }).catch(function () {
      self.status.hidden = false;
      self.status.textContent = L.flowError;
    });
  };

  Flow.prototype.indexNodes = function () {
    var nodes = this.data.nodes;
    this.nodeOf = new Map();
    var self = this;
    this.canvas.querySelectorAll("g.node").forEach(function (g) {
      var key = g.getAttribute("data-id");
      if (!key) {
        var match = /flowchart-(n\d+)-\d+$/.exec(g.id || "");
        key = match && match[1];
      }
      if (key && nodes[key]) {
        g.setAttribute("data-flow-step", nodes[key]);
        self.nodeOf.set(nodes[key], g);
      }
    });
  };

  Flow.prototype.highlight = function () {
    if (!this.nodeOf) return;
    var path = this.path;
    this.nodeOf.forEach(function (g, step) {
      g.classList.toggle("cb-flow-visited", path.indexOf(step) >= 0);
      g.classList.toggle("cb-flow-current", path[path.length - 1] === step);
    });
    // Keep the current step in sight inside the chart's own scroll box (never the page's).
    var current = this.nodeOf.get(path[path.length - 1]);
    var canvas = this.canvas;
    if (current && canvas.scrollWidth > canvas.clientWidth) {
      var node = current.getBoundingClientRect();
      var area = canvas.getBoundingClientRect();
      canvas.scrollLeft += node.left + node.width / 2 - (area.left + area.width / 2);
    }
  };

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
      if (!island || !MERMAID_URL) return;
      var data;
      try {
        data = JSON.parse(island.textContent);
      } catch (error) {
        return;
      }
      var scriptId = container.getAttribute("data-script-id") || "";
      var source = document.querySelector('.cb-script[data-script-id="' + CSS.escape(scriptId) + '"]');
      var flow = new Flow(container, data, source);
      if (active) {
        flow.path = active.path.slice();
      }
      flow.watch();
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
