"""Measure answer quality on the evaluation set: accuracy, clarifies, wrong answers."""
