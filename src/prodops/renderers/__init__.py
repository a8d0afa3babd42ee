"""The report's renderers: the one report model (core.report.model, built by operations.reports) in
each format, and where the files go.

Every format is one entry of `RENDERERS` (as datasette registers an output renderer): its name (the
command line's --format, the web app's download), its suffix and media type, and the module whose
`render(report, drawing, name)` makes its files. The command line, the web app and the demo read
the formats from here; adding one is its module and its entry."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from prodops.core.errors import Fix, InputError
from prodops.renderers.files import dump_json, write_files


class Drawing:
    """What several formats draw from, made once however many ask and only when one does: the report
    as its JSON document (every renderer sees exactly that: strings for dates), its charts as SVG
    (HTML, PDF, Markdown; also at a phone's width for HTML) and as PNG, and the HTML page (and the one
    the PDF prints)."""

    def __init__(self, report: dict, page_size: str = "a4", appendix: bool = False):
        self.document = dump_json(report)
        self.report: dict = json.loads(self.document)
        self.page_size = page_size
        self.appendix = appendix  # the slides' detail (every criterion, table and definition) after the meeting's

    @functools.cached_property
    def charts(self) -> list[str]:
        """The charts the report's sections show, in their order."""
        from prodops.core.report.layout import sections

        return [c for s in sections(self.report) for c in s.charts]

    @functools.cached_property
    def svgs(self) -> dict[str, str]:
        from prodops.renderers.charts import render_svgs

        return render_svgs(self.report, self.charts)

    @functools.cached_property
    def phone_svgs(self) -> dict[str, str]:
        from prodops.renderers.charts import render_svgs

        return render_svgs(self.report, self.charts, phone=True)

    @functools.cached_property
    def pngs(self) -> dict[str, bytes]:
        from prodops.renderers.charts import render_pngs

        return render_pngs(self.report, self.charts)

    @functools.cached_property
    def html(self) -> str:
        """The page for reading on a screen: each chart also drawn for a phone's width."""
        from prodops.renderers.html import render_html

        return render_html(self.report, self.svgs, self.page_size, self.phone_svgs)

    @functools.cached_property
    def printed(self) -> str:
        """The page the PDF prints: the charts as drawn for paper only."""
        from prodops.renderers.html import render_html

        return render_html(self.report, self.svgs, self.page_size)


@dataclass(frozen=True)
class Renderer:
    name: str  # as --format and the web app's download name it
    title: str  # as people call it
    suffix: str  # of its file
    media_type: str  # of its file, served
    module: str  # whose render(report, drawing, file name) -> {file name: bytes} makes its files
    also: tuple[str, ...] = ()  # other suffixes its file may be named with
    charts_beside: bool = False  # its charts are files of their own beside it (the web app sends them zipped)

    def render(self, report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
        """Its files, `name` the report's own, each name relative to the output folder."""
        return import_module(self.module).render(report, drawing, name)


RENDERERS: dict[str, Renderer] = {r.name: r for r in (
    Renderer("html", "HTML", "html", "text/html; charset=utf-8", "prodops.renderers.html", also=("htm",)),
    Renderer("pdf", "PDF", "pdf", "application/pdf", "prodops.renderers.pdf"),
    Renderer("md", "Markdown", "md", "text/markdown; charset=utf-8", "prodops.renderers.markdown", charts_beside=True),
    Renderer("xlsx", "XLSX", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "prodops.renderers.xlsx"),
    Renderer("pptx", "PPTX", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "prodops.renderers.slides"),
    Renderer("json", "JSON", "json", "application/json", "prodops.renderers.json_document"),
)}
FORMATS = tuple(RENDERERS)  # their names, in order


def _format_named(suffix: str) -> str | None:
    """The format whose files end in `suffix` (".htm"), if one does."""
    return next((r.name for r in RENDERERS.values() if suffix.lower() in (f".{s}" for s in (r.suffix, *r.also))), None)


def check(formats, page_size: str = "a4") -> None:
    from prodops.renderers.html import PAGE_SIZES

    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; one of {', '.join(RENDERERS)}")
    if page_size not in PAGE_SIZES:
        raise InputError(f"unknown page size {page_size!r}; one of {', '.join(PAGE_SIZES)}")


def file_names(formats, stem: str = "report") -> dict[str, str]:
    return {f: f"{stem}.{RENDERERS[f].suffix}" for f in formats}


def render(report: dict, formats, page_size: str = "a4", names: dict[str, str] | None = None,
           appendix: bool = False) -> dict[str, bytes]:
    """The report in each of `formats`, as {file name relative to the output folder: bytes}, the
    names from `names` (format -> file name; report.<suffix> by default); `appendix`: the slides
    end with the detail (the other formats always hold it). Charts are drawn once for
    every format that shows them; Markdown's SVGs go in `<its name without suffix>-charts/`."""
    check(formats, page_size)
    names = names or file_names(formats)
    drawing = Drawing(report, page_size, appendix)
    out: dict[str, bytes] = {}
    for renderer in RENDERERS.values():
        if renderer.name in formats:
            out.update(renderer.render(drawing.report, drawing, names[renderer.name]))
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
    named = _format_named(out.suffix) if out.suffix else None
    if len(formats) == 1:
        suffix = RENDERERS[formats[0]].suffix
        if named and named != formats[0]:
            raise InputError(f"{given}: the name ends in {out.suffix} but the format is {formats[0]}; "
                             f"name it {out.with_suffix('.' + suffix).name}", fix=Fix("out"))
        return out.parent, {formats[0]: out.name if out.suffix else f"{out.name}.{suffix}"}
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
