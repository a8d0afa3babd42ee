"""The lead's own words in the report: a Markdown file with a heading per report section, read as
plain text (paragraphs and list items), so nothing in it is ever markup in any format.

    # Executive summary
    Q3 was the quarter the Playbook stuck: ...

    # Roadmap
    - Dana owns the metrics workshop; budget agreed on 2026-10-02.

A heading names a section by its title or its id, in any case ("Executive summary", "summary").
Text before the first heading belongs to the executive summary. Emphasis marks (`**`, `*`, `_`,
backticks) are dropped and a link keeps its text and address: "[the wiki](https://x)" reads
"the wiki (https://x)". HTML is not read as HTML: it stays the characters typed.
"""

from __future__ import annotations

import re

from prodops.core.errors import Fix, InputError, Problem
from prodops.core.safe_text import first_control

MAX_CHARS = 20_000  # a report's commentary, all sections: a few pages of text
_HEADING = re.compile(r"^\s{0,3}(#{1,3})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)")  # an address may hold one level of brackets
# Emphasis as CommonMark reads it: marks at word edges only, so pm_overhead_share and 5*3*2 stay whole.
_EMPHASIS = re.compile(r"(?<![\w*`])(\*\*|__|\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])|`([^`]+)`")


def _plain(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m[2] if m[2] is not None else m[3], text)


def _inline(text: str) -> str:
    """Text with its marks dropped; a link's address kept whole, never read for marks."""
    out, at = [], 0
    for link in _LINK.finditer(text):
        out.append(_plain(text[at:link.start()]))
        words, address = _plain(link[1]), link[2]
        out.append(f"{words} ({address})" if address and address != link[1] else words)
        at = link.end()
    out.append(_plain(text[at:]))
    return "".join(out).strip()


def parse(text: str, titles: dict[str, str], file: str = "the commentary") -> dict[str, list[tuple[str, str]]]:
    """{section id: [("p" | "li", text)]} from the Markdown `text`; `titles`: section id -> title.
    InputError naming the line of every heading that names no section."""
    if len(text) > MAX_CHARS:
        raise InputError(f"{file}: {len(text):,} characters; the commentary holds at most {MAX_CHARS:,}")
    names = {**{t.lower(): i for i, t in titles.items()}, **{i.lower(): i for i in titles}}
    # comments (the template's hints) are left out, their lines kept so that line numbers hold
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)
    found: dict[str, list[list[str]]] = {}  # section -> [kind, body] pairs; a paragraph's body grows line by line
    problems = []
    section: str | None = "summary"
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if (control := first_control(line.replace("\t", " "))) is not None:
            problems.append(Problem(f"{file}, line {number}: a control character ({control}); remove it", file=file, line=number))
            continue
        heading = _HEADING.match(line)
        if heading:
            name = _inline(heading[2]).lower()
            if name not in names:
                problems.append(Problem(f"{file}, line {number}: {heading[2][:80]!r} is no section of the report; "
                                        f"headings name one of: {', '.join(titles.values())}", file=file, line=number))
                section = None
            else:
                section = names[name]
            current = None
            continue
        if not line.strip():
            current = None
            continue
        if section is None:
            continue
        item = _ITEM.match(line)
        if item or current is None or (current[0] == "li" and not line.startswith((" ", "\t"))):
            current = ["li" if item else "p", _inline(item[1] if item else line)]
            found.setdefault(section, []).append(current)
        else:
            current[1] = f"{current[1]} {_inline(line)}"
    if problems:
        raise InputError(f"{file}: {len(problems)} line{'s' if len(problems) > 1 else ''} to correct", problems[:20],
                         fix=Fix("template", "commentary"), more=max(0, len(problems) - 20))
    return {s: [(kind, body) for kind, body in items if body] for s, items in found.items()}


def template(titles: dict[str, str]) -> str:
    """A commentary file to fill in: one heading per section, each with a hint."""
    lines = ["<!-- Your own words beside the report's figures: write under any heading, delete the others.",
             "     Plain text: paragraphs and lists (- item). Emphasis marks are dropped; HTML stays text. -->", ""]
    for title in titles.values():
        lines += [f"# {title}", "", ""]
    return "\n".join(lines)
