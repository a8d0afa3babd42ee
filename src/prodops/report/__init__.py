"""The report's renderers: the one report model (report.model, built by operations.report) in
each format, and where the files go."""

from __future__ import annotations

import json
import os
from pathlib import Path

from prodops.errors import Fix, InputError
from prodops.files import dump_json, write_files

FORMATS = ("html", "pdf", "md", "xlsx", "pptx", "json")
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".xlsx": "xlsx", ".pptx": "pptx", ".json": "json"}


def check(formats, page_size: str = "a4") -> None:
    from prodops.report.html import PAGE_SIZES

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; one of {', '.join(FORMATS)}")
    if page_size not in PAGE_SIZES:
        raise InputError(f"unknown page size {page_size!r}; one of {', '.join(PAGE_SIZES)}")


def file_names(formats, stem: str = "report") -> dict[str, str]:
    return {f: f"{stem}.{f}" for f in formats}


def render(report: dict, formats, page_size: str = "a4", names: dict[str, str] | None = None) -> dict[str, bytes]:
    """The report in each of `formats`, as {file name relative to the output folder: bytes}, the
    names from `names` (format -> file name; report.<format> by default). Charts are drawn once for
    every format that shows them; Markdown's SVGs go in `<its name without suffix>-charts/`."""
    check(formats, page_size)
    names = names or file_names(formats)
    document = dump_json(report)
    report = json.loads(document)  # every renderer sees exactly the documented JSON: strings for dates
    out: dict[str, bytes] = {}
    svgs = {}
    if {"html", "pdf", "md"} & set(formats):
        from prodops.report.charts import render_svgs
        from prodops.report.layout import sections

        svgs = render_svgs(report, [c for s in sections(report) for c in s.charts])
    if "json" in formats:
        out[names["json"]] = document.encode("utf-8")
    if "html" in formats or "pdf" in formats:
        from prodops.report.html import render_html

        html = render_html(report, svgs, page_size)
        if "html" in formats:
            out[names["html"]] = html.encode("utf-8")
        if "pdf" in formats:
            from prodops.report.pdf import render_pdf

            out[names["pdf"]] = render_pdf(html, report["as_of"])
    if "md" in formats:
        from prodops.report.markdown import render_markdown

        folder = f"{Path(names['md']).stem}-charts"
        out[names["md"]] = render_markdown(report, {n: f"{folder}/{n}.svg" for n in svgs}).encode("utf-8")
        out.update({f"{folder}/{n}.svg": svg.encode("utf-8") for n, svg in svgs.items()})
    if "xlsx" in formats:
        from prodops.report.xlsx import render_xlsx

        out[names["xlsx"]] = render_xlsx(report)
    if "pptx" in formats:
        from prodops.report.charts import render_pngs
        from prodops.report.layout import sections
        from prodops.report.slides import render_pptx

        out[names["pptx"]] = render_pptx(report, render_pngs(report, [c for s in sections(report) for c in s.charts]))
    return out


def destination(given: str, formats) -> tuple[Path, dict[str, str]] | None:
    """Where the files go: (folder, format -> file name), or None for standard output ("-").
    A folder (one that exists, or a name ending in a slash) gets report.<format> files; one format
    gets the file as named (`.<format>` added when the name has no suffix); several formats get
    `<name>.<format>` each, so the name must not end in one format's suffix."""
    if given == "-":
        if formats != ["json"]:
            raise InputError("only the JSON report goes to standard output; name a file or a folder", fix=Fix("out"))
        return None
    if not given.strip():
        raise InputError("the output path is empty: name a file (report.html), a name for several formats (board/q3) "
                         "or a folder (reports/)", fix=Fix("out"))
    out = Path(given)
    if out.is_dir() or given.endswith(("/", os.sep)):
        return out, file_names(formats)
    named = SUFFIXES.get(out.suffix.lower())
    if len(formats) == 1:
        if named and named != formats[0]:
            raise InputError(f"{given}: the name ends in {out.suffix} but the format is {formats[0]}; "
                             f"name it {out.with_suffix('.' + formats[0]).name}", fix=Fix("out"))
        return out.parent, {formats[0]: out.name if out.suffix else f"{out.name}.{formats[0]}"}
    if named:
        raise InputError(f"{given} names one {named} file but the formats are {', '.join(formats)}; "
                         f"give a name without a suffix ({out.with_suffix('')}) or a folder", fix=Fix("out"))
    return out.parent, file_names(formats, out.name)


CHARTS_MANIFEST = ".prodops-charts"  # in a Markdown report's charts folder: the files prodops wrote there


def write(outputs: dict[str, bytes], folder: Path, force: bool = False) -> list[Path]:
    """Write every output, all or none (files.write_files: never through a file that is not ours;
    one that exists only with `force`). A sub-folder of outputs (the Markdown's charts) is the
    report's own: it must be a real folder, not a link; the SVGs an earlier run wrote there (its
    manifest) are replaced, those this run lacks removed, and nothing else is touched."""
    files = {folder / name: data for name, data in outputs.items()}
    subs = {p.parent for p in files} - {folder}
    ours: set[Path] = set()
    earlier: dict[Path, set[str]] = {}
    for sub in subs:
        if sub.is_symlink():
            raise InputError(f"{sub} is a link; chart files are written only into a real folder", fix=Fix("out"))
        earlier[sub] = _manifest(sub)
        ours |= {sub / name for name in earlier[sub]} | {sub / CHARTS_MANIFEST}
        names = sorted(p.name for p in files if p.parent == sub)
        files[sub / CHARTS_MANIFEST] = "".join(f"{n}\n" for n in names).encode("utf-8")
    write_files(files, force, ours)
    for sub in subs:
        for stale in earlier[sub] - {p.name for p in files if p.parent == sub}:  # ours, not made again
            (sub / stale).unlink(missing_ok=True)
    return [p for p in files if p.name != CHARTS_MANIFEST]


def _manifest(sub: Path) -> set[str]:
    """The chart files an earlier run wrote into `sub`: plain names only, nothing outside it."""
    try:
        names = (sub / CHARTS_MANIFEST).read_text(encoding="utf-8").split()
    except (FileNotFoundError, NotADirectoryError):
        return set()
    return {n for n in names if n.endswith(".svg") and "/" not in n and "\\" not in n and not n.startswith(".")}
