// Brobygger's chat widget: Rasa's socket.io channel, quote cards, follow-up buttons, feedback.
// Every text from the user or the bot is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var cfg = window.BROBYGGER_CONFIG || {};
  var KEY_SESSION = "brobygger.session", KEY_HISTORY = "brobygger.history", MAX_HISTORY = 200;
  var log = document.getElementById("log"), statusLine = document.getElementById("status");
  var typing = document.getElementById("typing"), form = document.getElementById("ask");
  var input = document.getElementById("message"), sendButton = document.getElementById("send");
  var history = load();
  var turn = [];        // the bot's text bubbles since the user's last message
  var lastQuestion = "";
  var ready = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    var bytes = new Uint8Array(16); crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function sessionId() {
    var id = localStorage.getItem(KEY_SESSION);
    if (!id) { id = newId(); localStorage.setItem(KEY_SESSION, id); }
    return id;
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY_HISTORY) || "[]"); } catch (e) { return []; }
  }
  function save() {
    try { localStorage.setItem(KEY_HISTORY, JSON.stringify(history.slice(-MAX_HISTORY))); } catch (e) { /* full: the chat goes on */ }
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function setStatus(text) { statusLine.textContent = text; }
  function scrollDown(node) { node.scrollIntoView({ block: "end", behavior: "smooth" }); }
  function normalize(text) { return String(text || "").replace(/\s+/g, " ").trim(); }

  // ---------------------------------------------------------------- rendering (one function per entry kind)
  function render(entry) {
    if (entry.kind === "user") { return log.appendChild(userBubble(entry.text)); }
    if (entry.kind === "bot") { return log.appendChild(botBubble(entry)); }
    if (entry.kind === "cards") { return log.appendChild(cards(entry)); }
    return null;
  }
  function userBubble(text) {
    var node = el("p", "msg user");
    node.appendChild(el("span", "sr-only", "Du skrev: "));
    node.appendChild(document.createTextNode(text));
    return node;
  }
  function botBubble(entry) {
    var box = el("div", "bot-turn");
    var bubble = el("p", "msg bot");
    bubble.appendChild(el("span", "sr-only", "Brobygger: "));
    bubble.appendChild(document.createTextNode(entry.text || ""));
    if (entry.hidden) { bubble.hidden = true; box.hidden = !(entry.buttons && entry.buttons.length); }
    box.appendChild(bubble);
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Forslag til næste spørgsmål");
      entry.buttons.forEach(function (b) {
        var button = el("button", "choice", b.title);
        button.type = "button";
        button.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(button);
      });
      box.appendChild(group);
    }
    return box;
  }
  function cards(entry) {
    var box = el("section", "answer");
    box.setAttribute("aria-label", "Citater fra kilderne");
    var list = el("ol", "cards");
    entry.citations.forEach(function (c) {
      var item = el("li", "card");
      var quote = el("blockquote");
      quote.appendChild(el("span", "n", "[" + c.n + "]"));
      // the sources' bold (**…**) is markup, not words: left out here, as on the source page
      quote.appendChild(document.createTextNode("«" + String(c.quote).replace(/\*\*/g, "") + "»"));
      item.appendChild(quote);
      item.appendChild(el("p", "where", [c.title, c.section].filter(Boolean).join(" – ")));
      var link = el("a", "source-link", "Se citatet i kilden");
      link.href = "/sources/" + encodeURIComponent(c.id);
      link.setAttribute("aria-label", "Se citat " + c.n + " i kilden: " + c.title);
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    if (entry.feedback !== "hidden") { box.appendChild(feedbackForm(entry)); }
    return box;
  }
  function feedbackForm(entry) {
    var box = el("div", "feedback");
    if (entry.feedback === "sent") { box.appendChild(el("p", "thanks", "Tak! Din tilbagemelding er gemt.")); return box; }
    var id = "reason-" + entry.at;
    box.appendChild(el("p", "", "Hjalp svaret dig?"));
    var label = el("label", "", "Fortæl gerne hvorfor (valgfrit)");
    label.htmlFor = id;
    var reason = el("input");
    reason.id = id; reason.type = "text"; reason.maxLength = 2000;
    var choices = el("div", "choices");
    [[true, "Ja, det hjalp"], [false, "Nej, ikke helt"]].forEach(function (pair) {
      var button = el("button", "rate", pair[1]);
      button.type = "button";
      button.addEventListener("click", function () { rate(entry, pair[0], reason.value, box); });
      choices.appendChild(button);
    });
    box.appendChild(choices);
    box.appendChild(label);
    box.appendChild(reason);
    return box;
  }
  function add(entry) {
    history.push(entry); save();
    var node = render(entry);
    if (node) { scrollDown(node); }
    return node;
  }

  // ---------------------------------------------------------------- feedback
  function rate(entry, helpful, reason, box) {
    var buttons = box.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch("/api/feedback", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sessionId(), helpful: helpful, reason: reason, query: entry.question || "",
                             passage_ids: entry.citations.map(function (c) { return c.id; }) })
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      entry.feedback = "sent"; save();
      var thanks = feedbackForm(entry);
      box.replaceWith(thanks);
      thanks.setAttribute("tabindex", "-1"); thanks.focus();
    }).catch(function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      setStatus("Vi kunne ikke gemme din tilbagemelding. Prøv igen om lidt.");
    });
  }

  // ---------------------------------------------------------------- the conversation
  function citationsOf(message) {
    var body = message && message.data && message.data.type === "citations" ? message.data : message;
    return body && body.type === "citations" && Array.isArray(body.citations) ? body : null;
  }
  function onBot(message) {
    typing.hidden = true;
    var cited = citationsOf(message);
    if (cited) {
      if (!cited.citations.length) { return; }
      // The cards show the same quotes with their sources, so the text bubbles repeating them are hidden.
      var quotes = cited.citations.map(function (c) { return normalize(c.quote); });
      turn.forEach(function (t) {
        var text = normalize(t.entry.text);
        if (quotes.some(function (q) { return q && text.indexOf(q) >= 0; })) {
          t.entry.hidden = true;
          var fresh = botBubble(t.entry); t.node.replaceWith(fresh); t.node = fresh;
        }
      });
      history.forEach(function (h) { if (h.kind === "cards" && h.feedback !== "sent") { h.feedback = "hidden"; } });
      Array.prototype.forEach.call(log.querySelectorAll(".feedback"), function (f) {
        if (!f.querySelector(".thanks")) { f.remove(); }
      });
      add({ kind: "cards", at: Date.now(), question: lastQuestion, citations: cited.citations, feedback: "open" });
      return;
    }
    if (typeof message.text !== "string" || !message.text) { return; }
    var buttons = (message.quick_replies || message.buttons || []).filter(function (b) { return b && b.title; })
      .map(function (b) { return { title: String(b.title), payload: String(b.payload || b.title) }; });
    var entry = { kind: "bot", text: message.text, buttons: buttons };
    turn.push({ entry: entry, node: add(entry) });
  }
  function send(text, shown) {
    text = String(text || "").trim();
    if (!text) { return; }
    if (!ready) { setStatus("Vi har ikke forbindelse til Brobygger lige nu. Vent et øjeblik, og prøv igen."); return; }
    turn = [];
    lastQuestion = shown || text;
    add({ kind: "user", text: shown || text });
    typing.hidden = false;
    socket.emit("user_uttered", { message: text, session_id: sessionId() });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    send(text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {  // Enter sends; Shift+Enter makes a new line
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("restart").addEventListener("click", function () {
    localStorage.removeItem(KEY_SESSION); localStorage.removeItem(KEY_HISTORY); location.reload();
  });

  history.forEach(render);
  if (history.length) { scrollDown(log.lastChild); }

  if (typeof window.io !== "function") {
    setStatus("Chatten kan ikke starte: en fil mangler på serveren. Bed den ansvarlige køre «make web-assets».");
    sendButton.disabled = true;
    return;
  }
  var url = cfg.socketUrl || (location.protocol + "//" + location.hostname + ":" + cfg.socketPort);
  var socket = window.io(url, { path: cfg.socketPath || "/socket.io/", transports: ["websocket"] });
  socket.on("connect", function () { socket.emit("session_request", { session_id: sessionId() }); });
  socket.on("session_confirm", function () { ready = true; setStatus("Klar. Skriv dit spørgsmål nedenfor."); });
  socket.on("bot_uttered", onBot);
  socket.on("disconnect", function () { ready = false; setStatus("Forbindelsen blev afbrudt. Vi prøver at genoprette den …"); });
  socket.on("connect_error", function () { ready = false; setStatus("Vi kan ikke få forbindelse til Brobygger. Vi prøver igen …"); });
})();
