"""Rubric: the 14 criteria as pure functions of the evidence."""
