"""Command groups of the `renderowl` CLI; each module exposes ``register(app)``."""
