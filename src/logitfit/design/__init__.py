"""The problem's data: formula or arrays to a validated design, and the checks on user input.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
