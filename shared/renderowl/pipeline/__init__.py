"""The render state machine's steps as plain functions: plan, prepare, the render worker, finalize,
mark-failed and notify. Handlers in functions/ call exactly one of these."""
