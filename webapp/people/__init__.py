"""The shared core every family feature stands on: who is in the family (gezag, age), which
children a signed-in person may see, and which organisations are involved with a child.

Plan, consent, evaluation and home use this package; they do not import each other for it.
"""
