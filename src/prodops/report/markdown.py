"""The report as Markdown for a git host's viewer: headings, pipe tables, chart SVGs beside it."""

from __future__ import annotations

import re

from prodops.report.layout import sections, text

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\d+[.)]|[#+=-])")  # would start a heading, a list or a rule


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
            right = [c.kind not in ("text", "flag", "date") for c in t.columns]
            out += [f"### {md_escape(t.title)}", "",
                    "| " + " | ".join(md_escape(c.title) for c in t.columns) + " |",
                    "|" + "|".join("---:" if r_ else "---" for r_ in right) + "|"]
            out += ["| " + " | ".join(md_escape(text(v, c.kind)) for v, c in zip(row, t.columns)) + " |" for row in t.rows]
            out += [""] + ([f"*{md_escape(t.note)}*", ""] if t.note else [])
        for heading, body in s.blocks:
            out += [f"### {md_escape(heading)}", "", "````text", body, "````", ""]
    return "\n".join(out).rstrip("\n") + "\n"
