"""The leadership report as data: its one model (`model.build_report`), the JSON Schema that
documents it, and its layout in sections, tables and sentences (`layout`) that every renderer and
the terminal draw."""
