"""The report as Markdown for a git host's viewer: headings, pipe tables, chart SVGs beside it."""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import quote

from prodops.core.numbers import count
from prodops.renderers import Drawing
from prodops.core.report.layout import NUMERIC, sections, text

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\d{1,9}[.)]|#{1,6}|[-+=]+)(?=\s|$)")  # would start a heading, a list or a rule


# What a git host would turn into a link or a mention on its own: URLs, www., e-mail addresses, @names.
_LINKISH = re.compile(r"(?i)https?:|ftp:|mailto:|www\.|^@\w|\S@\S")


def md_escape(s: str) -> str:
    """User text inert in Markdown: no HTML, no links, mentions, images or emphasis, one line, pipes
    kept in table cells. Link-like words go in code spans, where nothing is interpreted."""
    return _LINE_START.sub(lambda m: f"{m[0][:-1]}\\{m[0][-1]}", " ".join(_word(w) for w in s.split()))


_AROUND = re.compile(r"([(\[{<\"']*)(.*?)([)\]}>\"'.,;:!?]*)", re.S)  # brackets and punctuation around a word


def _word(w: str) -> str:
    if _LINKISH.search(w):
        around = _AROUND.fullmatch(w)
        assert around is not None  # its middle, (.*?) across lines, takes whatever the brackets leave
        lead, core, trail = around.groups()
        if not core:
            lead, core, trail = "", w, ""
        core = core.replace("|", "\\|")  # a pipe ends a table cell even in a code span
        fence = "`" * (1 + max((len(run) for run in re.findall("`+", core)), default=0))  # longer than any run inside
        # the brackets and stops around a link-like word stay outside its code span: "(see `x.io`)."
        return _plain(lead) + (f"{fence} {core} {fence}" if "`" in core else f"`{core}`") + _plain(trail)
    return _plain(w)


def _plain(w: str) -> str:
    w = w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", w)


def render_markdown(report: dict, chart_paths: dict[str, str]) -> str:
    """`chart_paths`: chart name -> path of its SVG relative to the Markdown file."""
    r = report
    basis = (f" · model {md_escape(r['methodology']['model']['id'])}@{md_escape(r['methodology']['model']['version'])}"
             f" · {count(r['methodology']['respondents'], 'respondent')}" if r["assessed"]
             else " · no assessment covers this period")
    out = [f"# {md_escape(r['title'])}", "",
           f"As of {r['as_of']}" + (f" · assessed {r['assessed']}" if r["assessed"] and r["assessed"] != r["as_of"] else "")
           + basis + (f" · generated {r['generated_at']}" if r["generated_at"] else ""), ""]
    for s in sections(r, records=True):
        out += [f"## {md_escape(s.heading)}", ""]
        if s.warnings:
            out += ["> **Read with care:**", *(f"> - {md_escape(w)}" for w in s.warnings), ""]
        if s.commentary:
            out += ["> **Commentary**", ">", *_prose(s.commentary, "> ")]
        for p in s.paragraphs:
            out += [("- " if s.id == "summary" else "") + md_escape(p)] + ([] if s.id == "summary" else [""])
        if s.id == "summary":
            out.append("")
        for name in s.charts:
            if name in chart_paths:
                out += [f"![{md_escape(name.replace('-', ' '))}]({quote(chart_paths[name])})", ""]
        for t in s.tables:
            out += [f"### {md_escape(t.title)}", ""]
            shown = t.shown()
            for heading, rows in t.runs():
                out += [f"#### {md_escape(heading)}", ""] if heading is not None else []
                out += _pipe_table([t.columns[i] for i in shown], [[row[i] for i in shown] for row in rows]) + [""]
            out += [f"*{md_escape(t.note)}*", ""] if t.note else []
        for heading, items in s.blocks:
            out += [f"### {md_escape(heading)}", "", *_prose(items)]
    return "\n".join(out).rstrip("\n") + "\n"


def _prose(items: list[tuple[str, str]], quote: str = "") -> list[str]:
    """Paragraphs and list items as Markdown lines (each line after `quote`, "> " in a quotation)."""
    out = []
    for i, (kind, line) in enumerate(items):
        out.append(quote + (f"- {md_escape(line)}" if kind == "li" else md_escape(line)))
        if kind == "p" or i + 1 == len(items) or items[i + 1][0] == "p":
            out.append(quote.rstrip() if i + 1 < len(items) else "")
    return out


def _pipe_table(columns, rows) -> list[str]:
    return (["| " + " | ".join(md_escape(c.title) for c in columns) + " |",
             "|" + "|".join("---:" if c.kind in NUMERIC else "---" for c in columns) + "|"]
            + ["| " + " | ".join(md_escape(text(v, c.kind)) for v, c in zip(row, columns)) + " |" for row in rows])


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    """The Markdown, and its charts as SVG files in `<name without suffix>-charts/` beside it."""
    folder = f"{PurePath(name).stem}-charts"
    return {name: render_markdown(report, {n: f"{folder}/{n}.svg" for n in drawing.svgs}).encode("utf-8"),
            **{f"{folder}/{n}.svg": svg.encode("utf-8") for n, svg in drawing.svgs.items()}}
