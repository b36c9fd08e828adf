/*
 * Craftbook: Korean queries for Material's own search (generator/search.py explains
 * the design; it writes the index side).
 *
 * The search box, the result list and the search worker stay Material's. This file
 * only rewrites each query on its way to the worker:
 *
 *   상담사에게   → 상담사^8 상담사          particle dropped: 상담사가, 상담사는 match
 *   확인했는지   → 확인^8 확인
 *   평가표를     → 평가표^8 평가표
 *   업무일지     → 업무일지^8 업무일지 업무일^8   지 may end a noun or be an ending:
 *                                          the stem is searched as a whole word only
 *   KPI를        → kpi^8 kpi
 *   이끄는       → 이끄^8 이끄 이끌          이끌다 drops its ㄹ before 는
 *   해지할래요   → 해지^8 해지              what agents and customers say mid-call
 *   요금제 바꿀래요 → 요금제^8 요금제 바꾸^8  a verb stem (바꾸 + ㄹ래요): the whole word
 *                                          only, so the noun leads
 *   해지하고 싶어요 → 해지^8 해지            words with no topic (싶어요, 좀) go
 *
 * Material appends * to a bare word (a prefix search) and leaves word^N alone (that
 * exact word, boosted), so a page that has the word ranks above pages whose words
 * merely start with it. The index holds every compound's later parts as tokens of
 * their own, so a prefix search reaches them (평가표 → 상담품질평가표).
 *
 * Normally this same file runs as a worker around Material's (see inPage and
 * inWorker). There it asks lunr for the same words as prefixes only and itself ranks
 * the sections that have an exact word first (plan, rerank), which spares lunr a second
 * pass over the longest posting lists, and keeps only lunr's best sections for
 * Material to highlight. The ^8 rewrite above is for Material's own worker, which
 * takes over if ours cannot start.
 *
 * In the page it also searches text that arrives without a key (paste, dictation, an
 * IME's last syllable), which Material, listening to keyup, would not, and shows kind
 * and role chips in the results panel that our worker filters by (remembered on the
 * device). Synonyms need nothing here: the index has them (search.py).
 */
(function () {
  "use strict";

  var EXACT = 8; // boost of the exact word over words that only start with it
  var EXACT_RANK = 10; // in our worker: score factor of a section that has an exact word
  var MIN_STEM = 2; // never cut a word below two characters (평가 stays 평가)

  // Endings that do not end a noun: only the stem is searched.
  var STRONG = (
    "에게서 한테서 으로부터 로부터 에서부터 에서는 에서도 에서만 에게는 에게도 에게만 " +
    "한테는 한테도 으로는 으로도 으로만 으로서 으로써 로서 로써 로는 로도 로만 " +
    "까지는 까지도 까지 부터는 부터 보다는 보다도 보다 처럼 마다 조차 마저 밖에 " +
    "이라도 이라는 이라고 이라면 이란 라도 라는 라고 이나마 이든지 이든 든지 " +
    "께서 에게 한테 에서 으로 이랑 에는 에도 에만 과는 와는 과의 와의 과도 와도 " +
    "이다 입니다 이에요 예요 이며 인데 " +
    "을 를 은 는 에 와 " +
    // 하다 / 되다 / 시키다 verbs and adjectives: 확인했는지 → 확인
    "했습니다 했는지 했는가 했나요 했어요 했던 했다 했고 했을 " +
    "합니다 합니까 하는지 하는가 하는데 하는 하다 한다 하면 하며 하고 하기 하게 하지 " +
    "하여 해야 해서 해요 하던 할까 해도 " +
    "됩니다 되었다 됐다 된다 되는 되다 되면 되고 되기 되어 되지 돼요 " +
    "시켰다 시키는 시키다 시키기 시킨 시켜 " +
    "스러운 스럽다 스럽게 적인 적으로 " +
    "습니다 었다 았다 였다 는다 는지 는가 는데 으면 으며 어요 아요 세요 " +
    // What an agent or a customer says mid-call (해지할래요, 해지하려고요, 연결해 주세요,
    // 녹음되나요): the same 하다 / 되다 verbs, in spoken forms.
    "할래요 할래 할게요 할게 할까요 할까 할려고요 할려고 하려고요 하려고 하려구요 하려는데요 하려는데 " +
    "하려면 하고싶어요 하고싶은데 하고싶다 하고파요 하겠습니다 하겠어요 하겠다 하래요 하라고 " +
    "해줘요 해줘 해주세요 해주실래요 해주시겠어요 해줄래요 해달라고요 해달라고 해달라 해달래요 " +
    "하는데요 했는데요 했는데 했잖아요 했어요 했어 하나요 했나 하죠 해야죠 " +
    "되나요 돼요 됐어요 될까요 되는데요 됐는데 되죠 안돼요 안되나요"
  ).split(" ");
  // Endings of any verb: an auxiliary glued on (바꿔주세요 → 바꿔) or an intention
  // (옮기려고요 → 옮기). What is left is a verb stem, which says less about the topic
  // than the nouns around it (요금제 바꿀래요): it is searched as a whole word only.
  var VERBAL = (
    "주세요 주실래요 주시겠어요 줄래요 줘요 달라고요 달라고 으려고요 으려고 려고요 려고 려구요 려는데 " +
    "잖아요 거든요 는데요 던데요 나요 죠"
  ).split(" ");
  // A verb stem ending in a vowel takes these with ㄹ on its last syllable (바꿀래요 →
  // 바꾸, 옮길게요 → 옮기); the ㄹ belongs to the ending, not to the stem.
  var AFTER_RIEUL = ["래요", "게요", "까요", "려고요", "려고", "래", "게", "까"];
  // Words that carry no topic in a spoken query (해지하고 싶어요, 요금 좀 깎아 주세요):
  // dropped when the query has other words, as a person would not weigh them.
  var FILLERS = (
    "좀 제발 그냥 너무 진짜 정말 막 꼭 빨리 지금 혹시 이거 그거 저거 저기 거 것 수 " +
    "주세요 줘 줘요 주실래요 줄래요 싶어요 싶은데 싶은데요 싶다 싶습니다 " +
    "해요 해줘 해줘요 해주세요 해주실래요 할래요 하려고요 하고 했어요 " +
    "있나요 있어요 없나요 되나요 돼요 됐어요 되요 나요 요 거예요 건데요 건가요"
  ).split(" ");
  // Endings that may also end a noun (업무일지, 만족도, 역할, 권한): the word is searched
  // as typed, and the stem as a whole word, so a wrong cut costs nothing.
  var WEAK = "이 가 도 과 의 로 만 나 랑 야 께 들 한 할 함 해 된 될 됨 돼 기 지 고 게 며 면 음 요 다 서".split(" ");

  var PLURAL = ["에게", "에게는", "에서", "으로", "한테", "이", "가", "을", "를", "은", "는", "의", "과", "와", "도", "만"];
  PLURAL.forEach(function (particle) {
    STRONG.push("들" + particle); // 상담사들에게 → 상담사
  });

  var ENDINGS = STRONG.map(function (s) {
    return { text: s, weak: false };
  })
    .concat(
      VERBAL.map(function (s) {
        return { text: s, weak: false, verb: true };
      }),
      WEAK.map(function (s) {
        return { text: s, weak: true };
      })
    )
    .sort(function (a, b) {
      return b.text.length - a.text.length;
    });

  var HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;
  var NOT_WORD = /[^\p{L}\p{N}]+/gu;

  /** Words as lunr will see them: NFKC, lower case, split at anything not a letter or digit. */
  function words(query) {
    return String(query).normalize("NFKC").toLowerCase().replace(NOT_WORD, " ").trim().split(" ").filter(Boolean);
  }

  // A verb stem ending in ㄹ drops it before these (이끌다 → 이끄는, 만들다 → 만드는).
  var DROPS_RIEUL = ["는", "는지", "는가", "는데", "세요"];

  /** 이끄 → 이끌: the same syllable with ㄹ as its final consonant (null if it has one). */
  function withRieul(text) {
    var code = text.charCodeAt(text.length - 1) - 0xac00;
    if (code < 0 || code > 11171 || code % 28 !== 0) return null;
    return text.slice(0, -1) + String.fromCharCode(0xac00 + code + 8);
  }

  /** 바꿀 → 바꾸: the same syllable without ㄹ as its final consonant (null if it has another). */
  function withoutRieul(text) {
    var code = text.charCodeAt(text.length - 1) - 0xac00;
    if (code < 0 || code > 11171 || code % 28 !== 8) return null;
    return text.slice(0, -1) + String.fromCharCode(0xac00 + code - 8);
  }

  /** The stem of one word, whether the cut could be wrong (see WEAK), and an ㄹ-stem. */
  function stem(word) {
    if (HANGUL.test(word)) {
      for (var r = 0; r < AFTER_RIEUL.length; r++) {
        var tail = AFTER_RIEUL[r];
        var before = word.slice(0, -tail.length);
        var bare = word.length > tail.length && word.slice(-tail.length) === tail ? withoutRieul(before) : null;
        // 할래요 and 될까요 are 하다 / 되다 forms, which ENDINGS cut whole (해지할래요 → 해지).
        if (bare && bare.length >= MIN_STEM && !/[하되]$/.test(bare)) {
          return { stem: bare, weak: false, alt: null, verb: true };
        }
      }
      for (var i = 0; i < ENDINGS.length; i++) {
        var ending = ENDINGS[i];
        var rest = word.length - ending.text.length;
        if (rest >= MIN_STEM && word.slice(rest) === ending.text) {
          var cut = word.slice(0, rest);
          var alt = DROPS_RIEUL.indexOf(ending.text) >= 0 ? withRieul(cut) : null;
          return { stem: cut, weak: ending.weak, alt: alt, verb: !!ending.verb };
        }
      }
    }
    return { stem: word, weak: false, alt: null, verb: false };
  }

  /** The words of a query that carry its topic: fillers go unless nothing else is left. */
  function topical(query) {
    var all = words(query);
    var kept = all.filter(function (word) {
      return FILLERS.indexOf(word) < 0;
    });
    return kept.length ? kept : all;
  }

  /** What the user typed → the query Material's worker runs. */
  function transform(query) {
    var out = [];
    topical(query).forEach(function (word) {
      var cut = stem(word);
      if (cut.verb) {
        out.push(cut.stem + "^" + EXACT); // a verb stem: the whole word only
      } else if (cut.weak) {
        // 고객이 or 업무일지? Search the word as typed, and the stem only as a whole word.
        out.push(word + "^" + EXACT, word, cut.stem + "^" + EXACT);
      } else {
        out.push(cut.stem + "^" + EXACT, cut.stem);
      }
      if (cut.alt) out.push(cut.alt);
    });
    return out.join(" ");
  }

  /*
   * The same rewrite for our worker, which sees lunr's results: it asks lunr only for
   * the prefixes and ranks the pages that have an exact word first itself, which saves
   * lunr a second pass over the longest posting lists (the exact word's).
   */
  function plan(query) {
    var prefixes = [];
    var exact = {};
    topical(query).forEach(function (word) {
      var cut = stem(word);
      if (cut.verb) {
        prefixes.push(cut.stem + "^1"); // a verb stem: the whole word only
      } else if (cut.weak) {
        prefixes.push(word, cut.stem + "^" + EXACT); // the stem as a whole word still matches
        exact[word] = true;
      } else {
        prefixes.push(cut.stem);
      }
      exact[cut.stem] = true;
      if (cut.alt) prefixes.push(cut.alt);
    });
    return { query: prefixes.join(" "), exact: exact };
  }

  /** lunr's results, those with an exact word first (scaled as Material's ^8 would). */
  function rerank(results, exact) {
    results.forEach(function (result) {
      for (var term in result.matchData.metadata) {
        if (exact[term] === true) {
          result.score *= EXACT_RANK;
          return;
        }
      }
    });
    return results.sort(function (a, b) {
      return b.score - a.score;
    });
  }

  /*
   * A section's text cut to about `limit` characters, tags kept whole and closed.
   * Material shows two or three lines of it, but the browser lays out all of it: a
   * listing page's 7,000 characters made laying out the result list most of the time
   * from keystroke to results.
   */
  var VOID = { br: true, hr: true, img: true, wbr: true };
  function clip(html, limit) {
    if (typeof html !== "string" || html.length <= limit) return html;
    var out = "";
    var seen = 0;
    var open = [];
    var piece = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|[^<]+|</g;
    var match;
    while (seen < limit && (match = piece.exec(html)) !== null) {
      if (match[2]) {
        out += match[0];
        var name = match[2].toLowerCase();
        if (match[1]) {
          if (open[open.length - 1] === name) open.pop();
        } else if (!VOID[name] && match[0].slice(-2) !== "/>") {
          open.push(name);
        }
      } else {
        var text = match[0].slice(0, limit - seen);
        if (text.length < match[0].length) text = text.replace(/&[#a-zA-Z0-9]*$/, "") + "…";
        out += text;
        seen += text.length;
      }
    }
    while (open.length) out += "</" + open.pop() + ">";
    return out;
  }

  var api = { transform: transform, plan: plan, stem: stem, words: words, topical: topical, clip: clip, relayed: false };
  self.craftbookSearch = api;

  // Material's messages between its search box and its worker (workers/search.*.js).
  var SETUP = 0;
  var QUERY = 2;
  var RESULT = 3;
  var FIELDS = ["title_ko", "text_ko", "title_syn", "text_syn", "keys_ko"]; // index-only: not sent back
  var LIMIT = 200; // result sections kept from lunr's ranking; a page shows far fewer
  var TEASER = 400; // characters of a section's text sent back: more than a result shows
  var LOADED = "loaded"; // our worker's first word, before Material's worker loads in it
  var START_TIMEOUT = 8000; // ms for our worker to say it; else Material's own is used
  var FILTER = "filter"; // our message to our worker: the kind and role to keep
  var INPUT_DELAY = 120; // ms of quiet after text arrives without a key (paste, dictation)
  var FILTER_KEY = "craftbook.searchFilter"; // localStorage: the chips chosen on this device

  if (typeof document === "undefined") {
    inWorker();
  } else {
    inPage(document.currentScript);
  }

  /*
   * In the page. Material creates its worker before this file runs, so the first
   * message to it (the index) is taken as the cue: a worker of ours (this same file,
   * loading Material's worker inside it) takes its place, and its answers are handed to
   * Material as if its own worker had sent them. Should ours fail to start, or the
   * index have gone out before this file ran, Material's own worker keeps the index
   * and queries are still rewritten on their way to it.
   */
  function inPage(script) {
    var post = Worker.prototype.postMessage;
    var material = null;
    var relay = null;
    var filters = null; // the chips in the results panel (mountFilters)
    Worker.prototype.postMessage = function (message) {
      var args = Array.prototype.slice.call(arguments);
      if (!material && message && message.type === SETUP && message.data && message.data.docs) {
        material = this;
        relay = startRelay(args);
        if (relay && filters) post.call(relay, filters.message());
      }
      if (relay && this === material) return post.apply(relay, args);
      if (message && message.type === QUERY && typeof message.data === "string") {
        args[0] = { type: QUERY, data: transform(message.data) };
      }
      return post.apply(this, args);
    };

    function startRelay(setup) {
      var config = document.getElementById("__config");
      if (!script || !script.src || !config) return null;
      var url = new URL(script.src);
      url.searchParams.set("material", new URL(JSON.parse(config.textContent).search, location.href).href);
      var worker = new Worker(url.href);
      var started = false;
      function fallBack() {
        if (started || relay !== worker) return;
        relay = null; // Material's own worker gets the index after all
        worker.terminate();
        post.apply(material, setup);
      }
      worker.addEventListener("message", function (event) {
        if (event.data && event.data.craftbook === LOADED) {
          started = true;
          api.relayed = true;
          material.terminate(); // idle: it never got the index
          if (filters) filters.show();
        } else {
          material.dispatchEvent(new MessageEvent("message", { data: event.data }));
        }
      });
      worker.addEventListener("error", fallBack);
      setTimeout(fallBack, START_TIMEOUT);
      return worker;
    }

    var box = document.querySelector("[data-md-component=search-query]");
    if (box) searchOnInput(box);
    var panel = document.querySelector("[data-md-component=search-result]");
    var island = document.getElementById("__craftbook-search");
    if (box && panel && island) {
      filters = mountFilters(panel, JSON.parse(island.textContent), function () {
        if (!relay) return;
        post.call(relay, filters.message());
        // Ask again for what is in the box; Material shows the answer as its own.
        if (material && box.value) material.postMessage({ type: QUERY, data: box.value });
      });
    }
  }

  /*
   * Material reads the search box on keyup only, so text that arrives without a key
   * (pasted with the mouse, dictated, typed on a keyboard that sends no key events,
   * an IME's last syllable) would wait for the next key. After a short quiet spell
   * with a value Material has not seen, this sends the keyup Material listens for.
   */
  function searchOnInput(box) {
    var seen = box.value;
    var timer = null;
    box.addEventListener(
      "keyup",
      function () {
        seen = box.value; // Material reads it now (this listener runs first: capture)
      },
      true
    );
    function settle() {
      timer = null;
      if (box.value === seen) return;
      box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
    ["input", "compositionend"].forEach(function (type) {
      box.addEventListener(type, function () {
        clearTimeout(timer);
        timer = setTimeout(settle, INPUT_DELAY);
      });
    });
  }

  /*
   * Chips in the results panel that keep only one kind and one role (상담 스크립트,
   * 상담사), remembered on this device. Our worker does the filtering (before it cuts
   * lunr's ranking to LIMIT), so the count and the list Material shows agree. The kinds
   * and roles come from the page (`#__craftbook-search`, written by the theme from the
   * library); the chips appear only when our worker runs, as Material's cannot filter.
   */
  function mountFilters(panel, choices, changed) {
    var chosen = load();
    var bar = document.createElement("div");
    bar.className = "cb-search-filter";
    bar.hidden = true;
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "검색 결과 거르기");
    var rows = [
      { name: "kind", title: "종류", items: choices.kinds || [] },
      { name: "role", title: "역할", items: choices.roles || [] },
    ];
    rows.forEach(function (row) {
      if (chosen[row.name] && !label(row, chosen[row.name])) chosen[row.name] = null; // gone from the site
      var group = document.createElement("div");
      group.className = "cb-filter-row";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", row.title + "로 거르기");
      var title = document.createElement("span");
      title.className = "cb-filter-title";
      title.textContent = row.title;
      title.setAttribute("aria-hidden", "true");
      group.appendChild(title);
      [[null, "전체"]].concat(row.items).forEach(function (item) {
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "cb-filter-chip";
        chip.setAttribute("data-filter-" + row.name, item[0] || "");
        chip.textContent = item[1];
        chip.setAttribute("aria-pressed", String(chosen[row.name] === item[0]));
        chip.addEventListener("click", function () {
          if (chosen[row.name] === item[0]) return;
          chosen[row.name] = item[0];
          group.querySelectorAll("button").forEach(function (other) {
            other.setAttribute("aria-pressed", String(other === chip));
          });
          save();
          changed();
        });
        group.appendChild(chip);
      });
      bar.appendChild(group);
    });
    // Between Material's count and its list, which it found by position when it started.
    panel.insertBefore(bar, panel.lastElementChild);
    // A choice made in another window of this site applies here too (one device, one choice).
    window.addEventListener("storage", function (event) {
      if (event.key !== FILTER_KEY) return;
      chosen = load();
      rows.forEach(function (row) {
        if (chosen[row.name] && !label(row, chosen[row.name])) chosen[row.name] = null;
      });
      bar.querySelectorAll("button").forEach(function (chip) {
        var name = chip.hasAttribute("data-filter-kind") ? "kind" : "role";
        chip.setAttribute("aria-pressed", String((chosen[name] || "") === chip.getAttribute("data-filter-" + name)));
      });
      changed();
    });

    function label(row, id) {
      var found = row.items.filter(function (item) {
        return item[0] === id;
      })[0];
      return found ? found[1] : null;
    }
    function load() {
      try {
        var stored = JSON.parse(localStorage.getItem(FILTER_KEY) || "{}");
        return { kind: stored.kind || null, role: stored.role || null };
      } catch (error) {
        return { kind: null, role: null }; // storage blocked or garbled: no filter
      }
    }
    function save() {
      try {
        localStorage.setItem(FILTER_KEY, JSON.stringify(chosen));
      } catch (error) {
        // storage blocked: the choice lasts as long as the page
      }
    }
    return {
      bar: bar,
      show: function () {
        bar.hidden = false;
      },
      /** The message that tells our worker what to keep: the labels results carry. */
      message: function () {
        return {
          craftbook: FILTER,
          kind: chosen.kind ? label(rows[0], chosen.kind) : null,
          role: chosen.role ? label(rows[1], chosen.role) : null,
        };
      },
    };
  }

  /*
   * In our worker: Material's worker runs unchanged inside it. Queries are rewritten
   * before Material's handler sees them, lunr's ranking is cut to the best LIMIT
   * sections before Material highlights every match, and the index-only fields are
   * dropped from the answer.
   */
  function inWorker() {
    var post = self.postMessage;
    var material = new URL(new URL(self.location.href).searchParams.get("material"), self.location.href);
    if (material.origin !== self.location.origin) throw new Error("search worker must come from this site");
    var exact = null; // exact words of the query being answered (Material answers at once)
    var keep = { kind: null, role: null }; // the chips chosen in the page (labels)
    var tagsOf = {}; // page location → its result labels: kind, then roles
    self.addEventListener("message", function (event) {
      var message = event.data;
      if (message && message.craftbook === FILTER) {
        keep = { kind: message.kind || null, role: message.role || null };
        event.stopImmediatePropagation(); // ours alone: Material's worker never sees it
        return;
      }
      if (message && message.type === SETUP && message.data && message.data.docs) {
        message.data.docs.forEach(function (doc) {
          if (doc.location.indexOf("#") < 0) tagsOf[doc.location] = doc.tags || [];
        });
      }
      if (message && message.type === QUERY && typeof message.data === "string") {
        var planned = plan(message.data);
        exact = planned.exact;
        message.data = planned.query;
      }
    });
    self.postMessage = function (message) {
      if (message && message.type === RESULT && message.data && message.data.items) {
        message.data.items.forEach(function (group) {
          group.forEach(function (item) {
            FIELDS.forEach(function (field) {
              delete item[field];
            });
            item.text = clip(item.text, TEASER);
          });
        });
      }
      return post.apply(self, arguments);
    };
    importScripts(material.href);
    var search = self.lunr.Index.prototype.search;
    self.lunr.Index.prototype.search = function () {
      var results = search.apply(this, arguments);
      if (keep.kind || keep.role) results = results.filter(kept);
      return (exact ? rerank(results, exact) : results).slice(0, LIMIT);
    };
    /** A section of a page of the chosen kind and role (listings have neither). */
    function kept(result) {
      var tags = tagsOf[result.ref.split("#")[0]] || [];
      return (!keep.kind || tags[0] === keep.kind) && (!keep.role || tags.indexOf(keep.role) > 0);
    }
    post.call(self, { craftbook: LOADED }); // the index, sent meanwhile, is handled next
  }
})();
