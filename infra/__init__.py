"""Renderowl's AWS infrastructure: a CDK app built from the function catalog."""
