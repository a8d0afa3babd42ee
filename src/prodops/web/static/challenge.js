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
  if (!body.dataset.practice && !params.has("game") && body.dataset.day !== localDay) {
    location.replace(`/challenge?day=${localDay}`);
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
    if (target.closest && target.closest("input, textarea, select, button, a")) return; // their own keys
    if (event.key === "Enter" || event.key === "Backspace" || /^[a-z]$/i.test(event.key)) {
      event.preventDefault();
      press(event.key);
    }
  });
  document.addEventListener("click", (event) => {
    const key = event.target.closest(".key");
    if (key) press(key.dataset.key);
  });
  document.addEventListener("input", (event) => { if (event.target.id === "word") paint(); });

  document.addEventListener("submit", async (event) => {
    const sent = event.target;
    if (sent.id !== "guess-form") return;
    event.preventDefault();
    const typed = field().value;
    const hadFocus = document.activeElement === field();
    let response;
    try {
      response = await fetch(sent.action, { method: "POST", body: new FormData(sent), headers: { "X-Challenge": "fragment" } });
    } catch (e) {
      announce.textContent = "Not sent: no connection. Try again.";
      return;
    }
    if (response.status !== 200 && response.status !== 422) { sent.submit(); return; } // the page says why
    document.getElementById("game").innerHTML = await response.text();
    const game = document.querySelector("#game .game");
    announce.textContent = game.dataset.announce || "";
    ready();
    if (game.dataset.refused) {
      field().value = typed;
      paint();
      const row = document.querySelector(".guess-row.current");
      row.classList.add("shake");
      row.addEventListener("animationend", () => row.classList.remove("shake"), { once: true });
    }
    const heading = document.getElementById("result-title");
    if (heading) heading.focus();
    else if (hadFocus) field().focus();
  });

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
  // The share text copied is the one of the colours shown.
  document.addEventListener("click", (event) => {
    const copy = event.target.closest("button.copy[data-copy-contrast]");
    if (copy && root.classList.contains("contrast") && !copy.dataset.swapped) {
      [copy.dataset.copy, copy.dataset.copyContrast] = [copy.dataset.copyContrast, copy.dataset.copy];
      copy.dataset.swapped = "1";
    }
  }, true);
  document.querySelectorAll(".local-day").forEach((f) => { f.value = localDay; });
  ready();
})();
