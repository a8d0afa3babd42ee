"""Shells: what people run. The command line and its terminal views, the interactive interview, the
demo, the web app. Each parses, makes one call to the operations and presents; none holds a rule."""
