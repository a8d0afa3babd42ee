"""The report as Markdown for a git host's viewer: headings, pipe tables, chart SVGs beside it."""

from __future__ import annotations

import re

from prodops.report.layout import NUMERIC, sections, text

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\d{1,9}[.)]|#{1,6}|[-+=]+)(?=\s|$)")  # would start a heading, a list or a rule


# What a git host would turn into a link or a mention on its own: URLs, www., e-mail addresses, @names.
_LINKISH = re.compile(r"(?i)https?:|ftp:|mailto:|www\.|^@\w|\S@\S")


def md_escape(s: str) -> str:
    """User text inert in Markdown: no HTML, no links, mentions, images or emphasis, one line, pipes
    kept in table cells. Link-like words go in code spans, where nothing is interpreted."""
    return _LINE_START.sub(lambda m: f"{m[0][:-1]}\\{m[0][-1]}", " ".join(_word(w) for w in s.split()))


def _word(w: str) -> str:
    if _LINKISH.search(w):
        w = w.replace("|", "\\|")  # a pipe ends a table cell even in a code span
        return f"`` {w} ``" if "`" in w else f"`{w}`"
    w = w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", w)


def render_markdown(report: dict, chart_paths: dict[str, str]) -> str:
    """`chart_paths`: chart name -> path of its SVG relative to the Markdown file."""
    r = report
    out = [f"# {md_escape(r['title'])}", "",
           f"As of {r['as_of']} · model {md_escape(r['methodology']['model']['id'])}@{md_escape(r['methodology']['model']['version'])}"
           f" · {r['methodology']['respondents']} respondents" + (f" · generated {r['generated_at']}" if r["generated_at"] else ""), ""]
    for s in sections(r):
        out += [f"## {md_escape(s.title)}", ""]
        for p in s.paragraphs:
            out += [("- " if s.id == "summary" else "") + md_escape(p)] + ([] if s.id == "summary" else [""])
        if s.id == "summary":
            out.append("")
        for name in s.charts:
            if name in chart_paths:
                out += [f"![{md_escape(name.replace('-', ' '))}]({chart_paths[name]})", ""]
        for t in s.tables:
            out += [f"### {md_escape(t.title)}", ""]
            for heading, rows in _groups(t):
                out += [f"#### {md_escape(heading)}", ""] if heading is not None else []
                out += _pipe_table([c for i, c in enumerate(t.columns) if i != t.group],
                                   [[v for i, v in enumerate(row) if i != t.group] for row in rows]) + [""]
            out += [f"*{md_escape(t.note)}*", ""] if t.note else []
        for heading, items in s.blocks:
            out += [f"### {md_escape(heading)}", ""]
            for i, (kind, line) in enumerate(items):
                out.append(f"- {md_escape(line)}" if kind == "li" else md_escape(line))
                if kind == "p" or i + 1 == len(items) or items[i + 1][0] == "p":
                    out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _groups(t) -> list[tuple[str | None, list[tuple]]]:
    """A table's rows in runs of its group column's value (one run, headed None, without one)."""
    if t.group is None:
        return [(None, t.rows)]
    runs: list[tuple[str, list[tuple]]] = []
    for row in t.rows:
        if not runs or runs[-1][0] != row[t.group]:
            runs.append((row[t.group], []))
        runs[-1][1].append(row)
    return runs


def _pipe_table(columns, rows) -> list[str]:
    return (["| " + " | ".join(md_escape(c.title) for c in columns) + " |",
             "|" + "|".join("---:" if c.kind in NUMERIC else "---" for c in columns) + "|"]
            + ["| " + " | ".join(md_escape(text(v, c.kind)) for v, c in zip(row, columns)) + " |" for row in rows])
