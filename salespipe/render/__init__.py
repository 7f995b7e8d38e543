"""Rendering: plain records for --json/--csv, and Rich renderables (or plain text) for people.

Renderers never print; the CLI decides where output goes.
"""
