"""The report as Markdown for a git host's viewer: headings, pipe tables, chart SVGs beside it."""

from __future__ import annotations

import re

from prodops.report.layout import sections, text

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\d{1,9}[.)]|#{1,6}|[-+=]+)(?=\s|$)")  # would start a heading, a list or a rule


def md_escape(s: str) -> str:
    """User text inert in Markdown: no HTML, no links, images or emphasis, one line, pipes kept in cells."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _INLINE.sub(r"\\\1", " ".join(s.split()))
    return _LINE_START.sub(lambda m: f"{m[0][:-1]}\\{m[0][-1]}", s)


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
        for heading, body in s.blocks:
            out += [f"### {md_escape(heading)}", "", "````text", body, "````", ""]
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
             "|" + "|".join("---" if c.kind in ("text", "flag", "date") else "---:" for c in columns) + "|"]
            + ["| " + " | ".join(md_escape(text(v, c.kind)) for v, c in zip(row, columns)) + " |" for row in rows])
