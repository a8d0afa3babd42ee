// The Knowledge Challenge's keyboard: typing (physical keys or the on-screen ones) fills the guess
// field and the board's current row; Enter sends the guess and the server's board replaces this one.
// Without this script the page still plays: type in the field and press Guess.
(() => {
  const root = document.documentElement;
  const body = document.body;
  const announce = document.getElementById("announce");
  const CONTRAST = "prodops-challenge-contrast";

  // The word of the day is the one of the player's calendar date, not the server's.
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const localDay = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const params = new URLSearchParams(location.search);
  if (body.dataset.day !== localDay) { // the server knows the date only as its script says it
    params.set("day", localDay);
    location.replace(`/challenge?${params}`);
    return;
  }

  const field = () => document.getElementById("word");
  const form = () => document.getElementById("guess-form");

  function paint() {
    const input = field();
    const row = document.querySelector(".guess-row.current");
    if (!input || !row) return;
    input.value = input.value.replace(/[^a-z]/gi, "").slice(0, 5).toLowerCase();
    row.querySelectorAll(".tile").forEach((tile, i) => {
      tile.textContent = (input.value[i] || "").toUpperCase();
      tile.classList.toggle("filled", i < input.value.length);
    });
  }

  function press(key) {
    const input = field();
    if (!input) return;
    if (key === "Enter") { form().requestSubmit(); return; }
    if (key === "Backspace") input.value = input.value.slice(0, -1);
    else if (/^[a-z]$/i.test(key) && input.value.length < 5) input.value += key.toLowerCase();
    paint();
  }

  function ready() {
    document.querySelectorAll(".keyboard").forEach((k) => { k.hidden = false; });
    paint();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select")) return; // fields type their own letters
    const onControl = target.closest && target.closest("button, a"); // Enter there presses it
    if ((event.key === "Enter" && !onControl) || event.key === "Backspace" || /^[a-z]$/i.test(event.key)) {
      event.preventDefault();
      press(event.key);
    }
  });
  let keyFocused = null; // the on-screen key to give the focus back to after the board is redrawn
  document.addEventListener("click", (event) => {
    const key = event.target.closest(".key");
    if (!key) return;
    if (event.detail > 0) key.blur(); // tapped or clicked: a physical Enter must not press it again
    else keyFocused = key.dataset.key; // pressed from the keyboard: it keeps the focus
    press(key.dataset.key);
  });
  document.addEventListener("input", (event) => { if (event.target.id === "word") paint(); });

  // Guesses go one at a time, in the order entered: one typed and entered while the one before is
  // on its way waits for the board that answer brings.
  let queue = Promise.resolve();
  document.addEventListener("submit", (event) => {
    if (event.target.id !== "guess-form") return;
    event.preventDefault();
    const typed = field().value;
    const hadFocus = document.activeElement === field();
    const key = keyFocused;
    keyFocused = null;
    field().value = ""; // letters typed meanwhile go to the next row
    queue = queue.then(() => send(typed, hadFocus, key));
  });

  function say(text) { // cleared first, so that the same words twice are heard twice
    announce.textContent = "";
    requestAnimationFrame(() => { announce.textContent = text; });
  }

  function refused(sent, typed, text) {
    field().value = typed;
    paint();
    document.querySelectorAll(".alert.not-sent").forEach((old) => old.remove());
    const alert = document.createElement("p");
    alert.className = "alert not-sent";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    sent.before(alert);
  }

  async function send(typed, hadFocus, key) {
    const sent = form();
    if (!sent) return; // the game ended with a guess before this one
    const body = new FormData(sent);
    body.set("word", typed);
    let response;
    try {
      response = await fetch(sent.action, { method: "POST", body, headers: { "X-Challenge": "fragment" } });
    } catch (e) {
      refused(sent, typed, "Not sent: no connection. Try again.");
      return;
    }
    const reply = document.createElement("template");
    reply.innerHTML = await response.text();
    const game = reply.content.querySelector(".game");
    if (!game) { // refused before any game (too many, expired, a date the server will not take): say why
      const why = reply.content.querySelector(".message");
      refused(sent, typed, response.status === 429 ? "Too many games from here; wait a few minutes."
        : `Not sent: ${why ? why.textContent : "reload the page and try again"}.`);
      return;
    }
    const early = field().value;
    document.getElementById("game").replaceChildren(reply.content);
    say(game.dataset.announce || "");
    ready();
    if (game.dataset.refused) {
      field().value = typed;
      paint();
      const row = document.querySelector(".guess-row.current");
      row.classList.add("shake");
      row.addEventListener("animationend", () => row.classList.remove("shake"), { once: true });
    } else if (field()) {
      field().value = early;
      paint();
    }
    const heading = document.getElementById("result-title");
    const again = key && document.querySelector(`.key[data-key="${key}"]`);
    if (heading) heading.focus();
    else if (again) again.focus();
    else if (hadFocus) field().focus();
  }

  // High contrast: orange and blue instead of green and yellow, kept for this browser.
  const toggle = document.querySelector(".contrast-toggle");
  function contrast(on) {
    root.classList.toggle("contrast", on);
    toggle.setAttribute("aria-pressed", String(on));
    localStorage.setItem(CONTRAST, on ? "1" : "");
  }
  toggle.hidden = false;
  contrast(localStorage.getItem(CONTRAST) === "1");
  toggle.addEventListener("click", () => contrast(!root.classList.contains("contrast")));
  document.querySelectorAll(".local-day").forEach((f) => { f.value = localDay; });
  ready();
})();
