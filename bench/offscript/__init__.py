"""A held-out set of learner experiments, measured from outside the stub (issue 24); see README.md."""
