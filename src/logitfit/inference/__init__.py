"""Inference from a fitted model: covariances, profile intervals, term tests, cross-check.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
