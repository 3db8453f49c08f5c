"""The flow of a fit: options checked once, a design fitted by a solver, the result made.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
