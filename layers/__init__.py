"""Build recipes for the Lambda layers (``python -m layers.build``)."""
