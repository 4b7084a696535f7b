"""Evaluatie: questionnaires at evaluation moments, answers per family member, results over time."""
